const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the textual form of a UUID: only such a value may reach a `::uuid` cast or a uuid column. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
