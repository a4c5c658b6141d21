import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@Injectable()
export class ScopeNamesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async all(): Promise<string[]> {
    const rows = await this.dataSource.query<{ name: string }[]>('SELECT name FROM scopes ORDER BY name');
    return rows.map((row) => row.name);
  }
}
