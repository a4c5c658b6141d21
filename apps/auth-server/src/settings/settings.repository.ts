import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Settings are stored as key/value rows so that new settings need no migration. */
@Injectable()
export class SettingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async readAll(): Promise<Record<string, unknown>> {
    const rows: { key: string; value: unknown }[] = await this.dataSource.query('SELECT key, value FROM settings');
    return Object.fromEntries(rows.map((row) => [row.key, row.value]));
  }

  async write(values: Record<string, unknown>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const [key, value] of Object.entries(values)) {
        await manager.query(
          'INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()',
          [key, JSON.stringify(value)],
        );
      }
    });
  }
}
