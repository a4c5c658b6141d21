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

  /**
   * Stores the request unless `perIpLimit` is set and its IP already holds that many live ones
   * (true when stored): the count and the insert are one statement on the (client_ip, expires_at)
   * index, as for the authorization endpoint's pending requests.
   */
  async insert(requestUriHash: string, clientRef: string, parameters: PushedParameters, lifetimeSeconds: number, clientIp: string, perIpLimit: number | null): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `INSERT INTO pushed_authorization_requests (request_uri_hash, client_ref, parameters, expires_at, client_ip)
       SELECT $1::text, $2::uuid, $3::jsonb, now() + make_interval(secs => $4::int), $5::text
       WHERE $6::int IS NULL
          OR (SELECT count(*) FROM (SELECT 1 FROM pushed_authorization_requests WHERE client_ip = $5::text AND expires_at > now() LIMIT $6::int) live) < $6::int
       RETURNING request_uri_hash`,
      [requestUriHash, clientRef, JSON.stringify(parameters), lifetimeSeconds, clientIp, perIpLimit],
    );
    return returnedRows(result).length > 0;
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
