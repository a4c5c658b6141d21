/** What the audit trail records of an import: the kind of file, how many rows of each section, and the dryRun asked for. */
export function auditOutline(body: unknown, dryRunQuery: unknown): Record<string, unknown> {
  const dryRun = dryRunAsAsked(dryRunQuery);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { dryRun };
  const file = body as Record<string, unknown>;
  const rows = Object.fromEntries(['scopes', 'clients', 'users', 'resources'].map((section) => [section, Array.isArray(file[section]) ? file[section].length : 0]));
  return { dryRun, format: scalar(file.format), version: scalar(file.version), rows, settings: typeof file.settings === 'object' && file.settings !== null };
}

/** true or false as the query says them; any other word as sent (`?dryRun=maybe` is refused with 400, and its row says so). */
function dryRunAsAsked(query: unknown): unknown {
  if (query === undefined || query === 'false') return false;
  return query === 'true' ? true : scalar(query);
}

/** The file's own words, kept only when short: it is taken before validation, and may be anything. */
function scalar(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return typeof value === 'string' && value.length <= 64 ? value : undefined;
}
