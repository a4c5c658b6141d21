import type { ExecuteNamed, NamedStatement } from '../database/prepared-statement-executor.js';
import type { NewGrant } from './grant.js';
import { GroupCommit } from '#database/group-commit';
import { ClientNoLongerActive, UserNoLongerActive } from './token-issuance.js';

/** The grants columns each new row fills, with their types (for a SELECT list, where PostgreSQL cannot infer them). */
const COLUMN_TYPES = {
  id: 'uuid',
  client_ref: 'uuid',
  client_id: 'text',
  user_id: 'uuid',
  username: 'text',
  grant_type: 'text',
  scopes: 'jsonb',
  issued_at: 'timestamptz',
  access_expires_at: 'timestamptz',
  refresh_token_hash: 'text',
  refresh_remaining: 'integer',
  refresh_unlimited: 'boolean',
  authorization_code_hash: 'text',
  request_ip: 'text',
  request_id: 'text',
  auth_time: 'timestamptz',
  resources: 'jsonb',
  refresh_jkt: 'text',
} as const;
const COLUMN_NAMES = Object.keys(COLUMN_TYPES);
const COLUMNS = COLUMN_NAMES.join(', ');
/** Rows per statement: 18 parameters each stays far below PostgreSQL's 65535 limit. */
const MAX_ROWS = 256;
const COLUMN_TYPE_LIST = Object.values(COLUMN_TYPES);
const typedParameters = (row: number) => COLUMN_TYPE_LIST.map((type, column) => `$${row * COLUMN_TYPE_LIST.length + column + 1}::${type}`).join(', ');
const TYPED_PARAMETERS = typedParameters(0);

/**
 * The grants of a batch, each written only while its client, and its user if it has one, are
 * active (issue 12, item 7). `FOR SHARE` on those rows makes the check hold until commit: a
 * deactivation or delete (which locks the row for update) either waits for this INSERT and then
 * revokes its rows, or commits first and the re-checked `active` refuses them (a deleted user
 * would otherwise fail the foreign key: a 500). Share locks never conflict with each other; a batch spanning
 * two clients that are being deactivated at once can deadlock with them, and PostgreSQL's abort is
 * retried (the batch row by row, which locks one client; the deactivation by retryConflicts). One
 * statement per row count, named, so each shape is prepared once per connection; RETURNING names
 * the rows written.
 */
const statements: NamedStatement[] = [];
function statementFor(rows: number): NamedStatement {
  return (statements[rows] ??= {
    name: `portcullis_grants_insert_active_${rows}`,
    text: `INSERT INTO grants (${COLUMNS})
      SELECT v.* FROM (VALUES ${Array.from({ length: rows }, (_, row) => `(${typedParameters(row)})`).join(', ')}) AS v (${COLUMNS})
      JOIN clients c ON c.id = v.client_ref
      WHERE c.active AND (v.user_id IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.id = v.user_id AND u.active FOR SHARE))
      FOR SHARE OF c RETURNING id`,
  });
}

/** Why a row was refused (rare: only after a race with a deactivation or a delete). */
const REFUSAL_REASON: NamedStatement = {
  name: 'portcullis_grant_refusal_reason',
  text: `SELECT coalesce((SELECT active FROM clients WHERE id = $1::uuid), false) AS client_active`,
};

/**
 * The CTEs a one-grant statement begins with: its client ($2) and its user ($4), each present only
 * while active and then locked FOR SHARE until commit, as statementFor locks them for a batch.
 */
const CLIENT_AND_OWNER_LOCKED = `client AS (
    SELECT id FROM clients WHERE id = $2::uuid AND active FOR SHARE
  ), owner AS (
    SELECT id FROM users WHERE id = $4::uuid AND active FOR SHARE
  )`;

/**
 * One grant and the spending of the authorization code it comes from, in one statement (one
 * implicit transaction): both happen or neither (SECURITY-CHECKLIST F-10), so an outage between
 * them cannot burn a code without its tokens. Only while the client is active, locked as in
 * statementFor, and its user. Always one row: client_active or user_active false (nothing written,
 * the code kept), or id null (the code was spent meanwhile).
 */
export const GRANT_REDEEMING_CODE: NamedStatement = {
  name: 'portcullis_grant_redeeming_code_active',
  text: `WITH ${CLIENT_AND_OWNER_LOCKED}, spent AS (
    UPDATE authorization_codes SET consumed_at = now()
    WHERE code_hash = $13::text AND client_ref = $2::uuid AND consumed_at IS NULL AND EXISTS (SELECT 1 FROM client) AND EXISTS (SELECT 1 FROM owner)
    RETURNING code_hash
  ), inserted AS (
    INSERT INTO grants (${COLUMNS}) SELECT ${TYPED_PARAMETERS} FROM spent RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM client) AS client_active, EXISTS (SELECT 1 FROM owner) AS user_active, (SELECT id FROM inserted) AS id`,
};

/** The device request's parameter: the one after a row's columns. */
const DEVICE_REQUEST = `$${COLUMN_NAMES.length + 1}::uuid`;

/**
 * One grant and the spending of the approved device code it comes from (RFC 8628 §3.5), in one
 * statement, as GRANT_REDEEMING_CODE for codes: an outage between the poll and the grant leaves the
 * code approved and unspent, and the device's next poll gets its tokens. The spent request names
 * its grant ($1, the grant's id), which a reuse of the code revokes. Always one row, read as
 * GRANT_REDEEMING_CODE's (id null: the code was spent, or expired, meanwhile).
 */
export const GRANT_REDEEMING_DEVICE_CODE: NamedStatement = {
  name: 'portcullis_grant_redeeming_device_code',
  text: `WITH ${CLIENT_AND_OWNER_LOCKED}, spent AS (
    UPDATE device_requests SET consumed_at = now(), grant_id = $1::uuid
    WHERE id = ${DEVICE_REQUEST} AND client_ref = $2::uuid AND status = 'approved' AND consumed_at IS NULL AND expires_at > now()
      AND EXISTS (SELECT 1 FROM client) AND EXISTS (SELECT 1 FROM owner)
    RETURNING id
  ), inserted AS (
    INSERT INTO grants (${COLUMNS}) SELECT ${TYPED_PARAMETERS} FROM spent RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM client) AS client_active, EXISTS (SELECT 1 FROM owner) AS user_active, (SELECT id FROM inserted) AS id`,
};

/** The parent grant's parameter: the one after a row's columns. */
const PARENT = `$${COLUMN_NAMES.length + 1}::uuid`;

/**
 * A grant made by a token exchange (RFC 8693), written only while its client and user are active,
 * locked as in statementFor, and while the subject token's grant (PARENT) is not revoked: `FOR SHARE`
 * on that row makes a concurrent revocation (an UPDATE of it) either wait for this INSERT and then
 * revoke the new row with its parent, or commit first and refuse it here. Always one row.
 */
export const GRANT_EXCHANGED: NamedStatement = {
  name: 'portcullis_grant_exchanged',
  text: `WITH ${CLIENT_AND_OWNER_LOCKED}, parent AS (
    SELECT id FROM grants WHERE id = ${PARENT} AND revoked_at IS NULL FOR SHARE
  ), inserted AS (
    INSERT INTO grants (${COLUMNS}, parent_grant_id) SELECT ${TYPED_PARAMETERS}, ${PARENT}
    WHERE EXISTS (SELECT 1 FROM client) AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM owner)) AND EXISTS (SELECT 1 FROM parent)
    RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM client) AS client_active, ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM owner)) AS user_active, (SELECT id FROM inserted) AS id`,
};

export function grantParameters(grant: NewGrant): unknown[] {
  const parameters: unknown[] = [];
  pushParameters(parameters, grant);
  return parameters;
}

interface Pending {
  grant: NewGrant;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for grants rows. The first INSERT goes out at once (no added latency when idle);
 * rows arriving while `maxInFlight` statements are running wait and leave together as one
 * multi-row INSERT (one implicit transaction, one WAL flush). Each caller's promise settles only
 * when the statement holding its row has committed, so a token is never answered before its grant
 * row is durable. A row the statement refused (its client deactivated or deleted meanwhile) fails
 * its own request with ClientNoLongerActive. A failed batch is retried row by row, so one bad row
 * fails only its own request.
 */
export class GrantInsertBatcher {
  private readonly commits: GroupCommit<Pending>;

  constructor(
    private readonly execute: ExecuteNamed,
    maxInFlight: number,
  ) {
    this.commits = new GroupCommit((batch) => this.flush(batch), maxInFlight, MAX_ROWS);
  }

  insert(grant: NewGrant): Promise<void> {
    return new Promise((resolve, reject) => this.commits.add({ grant, resolve, reject }));
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      await this.settle(batch, await this.write(batch.map((pending) => pending.grant)));
    } catch (error) {
      if (batch.length === 1) batch[0].reject(error);
      else await Promise.all(batch.map((pending) => this.write([pending.grant]).then((written) => this.settle([pending], written), pending.reject)));
    }
  }

  private async settle(batch: Pending[], written: Set<string>): Promise<void> {
    for (const pending of batch) {
      if (written.has(pending.grant.id)) pending.resolve();
      else pending.reject(await this.refusal(pending.grant));
    }
  }

  private async refusal(grant: NewGrant): Promise<Error> {
    if (grant.userId === null) return new ClientNoLongerActive();
    const [{ client_active }] = (await this.execute(REFUSAL_REASON, [grant.clientRef])) as { client_active: boolean }[];
    return client_active ? new UserNoLongerActive() : new ClientNoLongerActive();
  }

  /** The ids of the rows written. */
  private async write(grants: NewGrant[]): Promise<Set<string>> {
    const parameters: unknown[] = [];
    for (const grant of grants) pushParameters(parameters, grant);
    const rows = (await this.execute(statementFor(grants.length), parameters)) as { id: string }[];
    return new Set(rows.map((row) => row.id));
  }
}


function pushParameters(parameters: unknown[], grant: NewGrant): void {
  parameters.push(
    grant.id,
    grant.clientRef,
    grant.clientId,
    grant.userId,
    grant.username,
    grant.grantType,
    JSON.stringify(grant.scopes),
    // ISO strings: the same instants, without the driver's slower local-time formatting of Dates.
    grant.issuedAt.toISOString(),
    grant.accessExpiresAt?.toISOString() ?? null,
    grant.refreshTokenHash,
    grant.refreshRemaining,
    grant.refreshUnlimited,
    grant.authorizationCodeHash,
    grant.requestIp,
    grant.requestId,
    grant.authTime?.toISOString() ?? null,
    JSON.stringify(grant.resources),
    grant.refreshJkt,
  );
}
