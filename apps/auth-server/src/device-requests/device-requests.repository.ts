import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { returnedRows } from '../database/returned-rows.js';
import type { DeviceApproval, DevicePoll, DeviceRefusal, DeviceRequest, DeviceRequestStatus, NewDeviceRequest } from './device-request.js';

interface DeviceRequestRow {
  id: string;
  client_ref: string;
  client_id: string;
  scopes: string[];
  scope_requested: boolean;
  resources: string[] | null;
  device_ip: string | null;
  device_user_agent: string | null;
  status: DeviceRequestStatus;
  created_at: Date;
  expires_at: Date;
}

interface PollRow {
  id: string;
  status: DeviceRequestStatus;
  expired: boolean;
  user_id: string | null;
  granted_scopes: string[] | null;
  auth_time: Date | null;
  resources: string[] | null;
  refusal: DeviceRefusal | null;
  already_consumed: boolean;
  too_fast: boolean;
}

/**
 * One poll, one statement on the device code's unique index, whatever the answer: it records the
 * poll time, grows the interval by 5 s when a pending request is polled too soon (RFC 8628 §3.5
 * slow_down). An approved code is spent by the grant's own statement (GRANT_REDEEMING_DEVICE_CODE),
 * so of concurrent polls that both see it approved exactly one gets tokens, and an outage between
 * the two spends nothing. Another client's code matches no row. Times are the
 * database's clock: instances behind one load balancer may disagree by more than a poll's margin.
 */
const POLL = `
  WITH previous AS (
    SELECT id, consumed_at IS NOT NULL AS already_consumed, expires_at <= now() AS expired,
           (last_polled_at IS NOT NULL AND now() < last_polled_at + interval_seconds * interval '1 second') AS too_fast
    FROM device_requests WHERE device_code_hash = $1 AND client_ref = $2 FOR UPDATE
  )
  UPDATE device_requests d SET
    last_polled_at = now(),
    interval_seconds = d.interval_seconds + CASE WHEN p.too_fast AND d.status = 'pending' AND NOT p.already_consumed THEN 5 ELSE 0 END
  FROM previous p WHERE d.id = p.id
  RETURNING d.id, d.status, d.user_id, d.granted_scopes, d.auth_time, d.resources, d.refusal, p.already_consumed, p.expired, p.too_fast`;

const COLUMNS = 'id, client_ref, client_id, scopes, scope_requested, resources, device_ip, device_user_agent, status, created_at, expires_at';

/** The only code touching device_requests; every time is the database's clock (see POLL). */
@Injectable()
export class DeviceRequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** False when the user code is taken (a live or not yet removed request has it): draw another. */
  async insert(request: NewDeviceRequest): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `INSERT INTO device_requests (device_code_hash, user_code_hash, client_ref, client_id, scopes, scope_requested, resources, device_ip, device_user_agent, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(secs => $10))
       ON CONFLICT (user_code_hash) DO NOTHING RETURNING id`,
      [
        request.deviceCodeHash,
        request.userCodeHash,
        request.clientRef,
        request.clientId,
        JSON.stringify(request.scopes),
        request.scopeRequested,
        JSON.stringify(request.resources),
        request.deviceIp,
        request.deviceUserAgent,
        request.lifetimeSeconds,
      ],
    );
    return returnedRows(result).length > 0;
  }

  /** The pending, unexpired request of a user code, which now answers to a new page handle. */
  async claimByUserCode(userCodeHash: string, pageHandleHash: string): Promise<DeviceRequest | null> {
    const result: unknown = await this.dataSource.query(
      `UPDATE device_requests SET page_handle_hash = $2
       WHERE user_code_hash = $1 AND status = 'pending' AND expires_at > now()
       RETURNING ${COLUMNS}`,
      [userCodeHash, pageHandleHash],
    );
    const [row] = returnedRows(result) as DeviceRequestRow[];
    return row ? toDeviceRequest(row) : null;
  }

  /** The pending, unexpired request a /device page handle stands for. */
  async findPendingByHandle(pageHandleHash: string): Promise<DeviceRequest | null> {
    const [row] = (await this.dataSource.query(`SELECT ${COLUMNS} FROM device_requests WHERE page_handle_hash = $1 AND status = 'pending' AND expires_at > now()`, [
      pageHandleHash,
    ])) as DeviceRequestRow[];
    return row ? toDeviceRequest(row) : null;
  }

  /** The user's answer; false when the request was answered, or expired, in the meantime. */
  async answer(id: string, answer: { status: 'denied'; refusal: DeviceRefusal } | ({ status: 'approved' } & DeviceApproval)): Promise<boolean> {
    const approval = answer.status === 'approved' ? answer : null;
    const refusal = answer.status === 'denied' ? answer.refusal : null;
    const result: unknown = await this.dataSource.query(
      `UPDATE device_requests SET status = $2, user_id = $3, granted_scopes = $4, auth_time = $5, refusal = $6, page_handle_hash = NULL
       WHERE id = $1 AND status = 'pending' AND expires_at > now() RETURNING id`,
      [id, answer.status, approval?.userId ?? null, approval ? JSON.stringify(approval.scopes) : null, approval?.authTime ?? null, refusal],
    );
    return returnedRows(result).length > 0;
  }

  async poll(deviceCodeHash: string, clientRef: string): Promise<DevicePoll | null> {
    const [row] = returnedRows(await this.dataSource.query(POLL, [deviceCodeHash, clientRef])) as PollRow[];
    if (!row) return null;
    const approval = row.status === 'approved' && row.user_id && row.granted_scopes && row.auth_time
      ? { userId: row.user_id, scopes: row.granted_scopes, authTime: new Date(row.auth_time) }
      : null;
    return {
      id: row.id,
      status: row.status,
      expired: row.expired,
      alreadyConsumed: row.already_consumed,
      tooFast: row.too_fast,
      approval,
      refusal: row.status === 'denied' ? (row.refusal ?? 'access_denied') : null,
      resources: row.resources ?? [],
    };
  }

  /** Spends an approved code whose tokens were refused for good (user gone, scope withdrawn): its next poll is invalid_grant. */
  async burn(id: string): Promise<void> {
    await this.dataSource.query('UPDATE device_requests SET consumed_at = now() WHERE id = $1 AND consumed_at IS NULL', [id]);
  }

  /** The grant the code's spending wrote (GRANT_REDEEMING_DEVICE_CODE); null when none, as after a burn. */
  async grantIdOf(id: string): Promise<string | null> {
    const [row] = (await this.dataSource.query('SELECT grant_id FROM device_requests WHERE id = $1', [id])) as { grant_id: string | null }[];
    return row?.grant_id ?? null;
  }

  /** The admin list: pending and unexpired, newest first. */
  async listPending(limit: number): Promise<DeviceRequest[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM device_requests WHERE status = 'pending' AND expires_at > now() ORDER BY created_at DESC LIMIT $1`,
      [limit],
    )) as DeviceRequestRow[];
    return rows.map(toDeviceRequest);
  }
}

function toDeviceRequest(row: DeviceRequestRow): DeviceRequest {
  return {
    id: row.id,
    clientRef: row.client_ref,
    clientId: row.client_id,
    scopes: row.scopes,
    scopeRequested: row.scope_requested,
    resources: row.resources ?? [],
    deviceIp: row.device_ip,
    deviceUserAgent: row.device_user_agent,
    status: row.status,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
  };
}
