/** What the audit trail records of an import: the kind of file and how many rows of each section. */
export function auditOutline(body: unknown, dryRun: boolean): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { dryRun };
  const file = body as Record<string, unknown>;
  const rows = Object.fromEntries(['scopes', 'clients', 'users', 'resources'].map((section) => [section, Array.isArray(file[section]) ? file[section].length : 0]));
  return { dryRun, format: scalar(file.format), version: scalar(file.version), rows, settings: typeof file.settings === 'object' && file.settings !== null };
}

/** The file's own words, kept only when short: it is taken before validation, and may be anything. */
function scalar(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return typeof value === 'string' && value.length <= 64 ? value : undefined;
}
