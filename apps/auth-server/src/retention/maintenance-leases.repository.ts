import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * The maintenance_leases rows: which auth server runs a background job (retention, the removal of
 * unused dynamic clients) right now. A lease row rather than pg_try_advisory_lock, whose session
 * lock PgBouncer's transaction mode cannot keep, and which PGlite (one session for every
 * connection) grants to everyone.
 */
@Injectable()
export class MaintenanceLeasesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Takes or extends the lease `name` for `seconds`: true when `holder` holds it now. */
  async hold(name: string, holder: string, seconds: number): Promise<boolean> {
    const rows: { holder: string }[] = await this.dataSource.query(
      `INSERT INTO maintenance_leases AS l (name, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE l.expires_at < now() OR l.holder = EXCLUDED.holder
       RETURNING holder`,
      [name, holder, seconds],
    );
    return rows.length === 1;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.dataSource.query('DELETE FROM maintenance_leases WHERE name = $1 AND holder = $2', [name, holder]);
  }
}
