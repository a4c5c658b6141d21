/**
 * What the audit trail records of an import: the kind of file and how many rows of each section,
 * and the `dryRun` asked for as it was asked (`?dryRun=maybe` is refused with 400, and its row says
 * "maybe", not false).
 */
export function auditOutline(body: unknown, dryRunQuery: unknown): Record<string, unknown> {
  const dryRun = dryRunQuery === undefined || dryRunQuery === 'false' ? false : dryRunQuery === 'true' ? true : scalar(dryRunQuery);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { dryRun };
  const file = body as Record<string, unknown>;
  const rows = Object.fromEntries(
    ['scopes', 'clients', 'users', 'resources'].map((section) => [section, Array.isArray(file[section]) ? file[section].length : 0]),
  );
  return { dryRun, format: scalar(file.format), version: scalar(file.version), rows, settings: typeof file.settings === 'object' && file.settings !== null };
}

/** The file's own words, kept only when short: it is taken before validation, and may be anything. */
function scalar(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return typeof value === 'string' && value.length <= 64 ? value : undefined;
}
