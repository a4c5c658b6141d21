import { ConflictProblem } from '#errors';
import type { ReportRow, RowAction } from './import-plan.js';

/** The answer of POST /admin/v1/import, dry run or not (docs/import-export.md). */
export interface ImportReport {
  dryRun: boolean;
  /** true only when the import was written (never for a dry run, never with a conflict). */
  applied: boolean;
  summary: Record<RowAction, number>;
  rows: ReportRow[];
}

export function toReport(rows: ReportRow[], dryRun: boolean, applied: boolean): ImportReport {
  const summary: Record<RowAction, number> = { create: 0, update: 0, unchanged: 0, conflict: 0, skipped: 0 };
  for (const row of rows) summary[row.action] += 1;
  return { dryRun, applied, summary, rows };
}

/** 409 with the whole report beside the problem's fields: the console and the CLI show every row. */
export class ImportConflictProblem extends ConflictProblem {
  constructor(readonly report: ImportReport) {
    const conflicts = report.rows.filter((row) => row.action === 'conflict');
    super(
      `${conflicts.length} row${conflicts.length === 1 ? '' : 's'} conflict with this server: nothing was imported`,
      conflicts.map((row) => ({ field: row.index === null ? row.section : `${row.section}[${row.index}]`, message: row.reason ?? 'conflict' })),
    );
  }

  override toBody(): Record<string, unknown> {
    return { ...super.toBody(), report: this.report };
  }
}
