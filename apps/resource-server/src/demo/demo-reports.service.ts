import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';

export interface Report {
  id: string;
  title: string;
  createdBy: string;
  createdAt: string;
}

const MAX_REPORTS = 100;

/** Demo data only: kept in memory and bounded, it exists to show scope enforcement. */
@Injectable()
export class DemoReportsService {
  private readonly reports: Report[] = [];

  list(): Report[] {
    return [...this.reports];
  }

  create(title: string, createdBy: string): Report {
    const report = { id: randomUUID(), title, createdBy, createdAt: new Date().toISOString() };
    this.reports.push(report);
    if (this.reports.length > MAX_REPORTS) this.reports.shift();
    return report;
  }
}
