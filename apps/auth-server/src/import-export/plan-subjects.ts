import type { RegistryState, ReportRow } from './import-plan.js';

/**
 * A user's tokens carry the username as `sub`, a client's own tokens its client id: a username
 * equal to a client id would make the two indistinguishable to a resource server
 * (SECURITY-CHECKLIST AD-6, CC-4). The rows that would create such a pair, a user named like a
 * client or a client with a user's name as its id, on the server or in the file, become conflicts.
 */
export function refuseSharedSubjects(rows: ReportRow[], state: RegistryState): ReportRow[] {
  const creates = (section: ReportRow['section']) => rows.filter((row) => row.section === section && row.action === 'create').map((row) => row.key);
  const clientIds = new Set([...state.clients.keys(), ...creates('clients')]);
  const usernames = new Set([...[...state.users.values()].map((user) => user.username), ...creates('users')]);
  return rows.map((row) => {
    if (row.action !== 'create') return row;
    if (row.section === 'users' && clientIds.has(row.key)) return conflict(row, 'the username is the id of a client: their tokens\' sub would be the same');
    if (row.section === 'clients' && usernames.has(row.key)) return conflict(row, 'the client id is the username of a user: their tokens\' sub would be the same');
    return row;
  });
}

function conflict(row: ReportRow, reason: string): ReportRow {
  return { section: row.section, index: row.index, key: row.key, action: 'conflict', reason };
}
