import type { NamedStatement } from './prepared-statement-executor.js';

/**
 * `INSERT INTO <table> (<columns>) VALUES (...), (...)` for a given row count, built once per
 * count and named after it, so that every batch of one size is the same prepared statement
 * (parsed and planned once per connection) and no SQL text is assembled per flush.
 * `casts` gives a column's parameter type where PostgreSQL cannot take it from the column.
 */
export function multiRowInsert(table: string, columns: readonly string[], casts: Readonly<Record<string, string>> = {}): (rows: number) => NamedStatement {
  const statements: NamedStatement[] = [];
  const cast = columns.map((column) => (casts[column] ? `::${casts[column]}` : ''));
  return (rows) => {
    let statement = statements[rows];
    if (statement === undefined) {
      const tuple = (row: number) => `(${columns.map((_, column) => `$${row * columns.length + column + 1}${cast[column]}`).join(', ')})`;
      const values = Array.from({ length: rows }, (_, row) => tuple(row)).join(', ');
      statement = statements[rows] = { name: `portcullis_${table}_insert_${rows}`, text: `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}` };
    }
    return statement;
  };
}
