/** TypeORM answers an UPDATE or DELETE ... RETURNING as [rows, count] and an INSERT ... RETURNING as rows. */
export function returnedRows(result: unknown): unknown[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as unknown[]) : (result as unknown[]);
}
