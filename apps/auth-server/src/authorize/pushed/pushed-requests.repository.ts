import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { returnedRows } from '../../database/returned-rows.js';
import type { RawQuery } from '../checks/query-params.js';

/** The parameters of a pushed request as they will be read at the authorization endpoint. */
export type PushedParameters = Record<string, string | string[]>;

/** Pushed authorization requests (RFC 9126), keyed by the SHA-256 of their request_uri. */
@Injectable()
export class PushedRequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(requestUriHash: string, clientRef: string, parameters: PushedParameters, lifetimeSeconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO pushed_authorization_requests (request_uri_hash, client_ref, parameters, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [requestUriHash, clientRef, JSON.stringify(parameters), lifetimeSeconds],
    );
  }

  /**
   * Takes the request out (single use, RFC 9126 §4): one DELETE … RETURNING, so two concurrent uses
   * cannot both get it. Another client's attempt, or an expired one, finds nothing and leaves the
   * row (the owner may still use it; retention removes expired rows).
   */
  async consume(requestUriHash: string, clientRef: string): Promise<RawQuery | null> {
    const result: unknown = await this.dataSource.query(
      `DELETE FROM pushed_authorization_requests WHERE request_uri_hash = $1 AND client_ref = $2 AND expires_at > now() RETURNING parameters`,
      [requestUriHash, clientRef],
    );
    const [row] = returnedRows(result) as { parameters: PushedParameters }[];
    return row?.parameters ?? null;
  }
}
