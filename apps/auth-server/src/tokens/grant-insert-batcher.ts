import { multiRowInsert } from '../database/multi-row-insert.js';
import type { ExecuteNamed, NamedStatement } from '../database/prepared-statement-executor.js';
import type { NewGrant } from './grant.js';

/** The grants columns each new row fills, with their types (for a SELECT list, where PostgreSQL cannot infer them). */
const COLUMN_TYPES = {
  id: 'uuid',
  client_ref: 'uuid',
  client_id: 'text',
  user_id: 'uuid',
  username: 'text',
  grant_type: 'text',
  scopes: 'jsonb',
  issued_at: 'timestamptz',
  access_expires_at: 'timestamptz',
  refresh_token_hash: 'text',
  refresh_remaining: 'integer',
  refresh_unlimited: 'boolean',
  authorization_code_hash: 'text',
  request_ip: 'text',
  request_id: 'text',
} as const;
const COLUMN_NAMES = Object.keys(COLUMN_TYPES);
const COLUMNS = COLUMN_NAMES.join(', ');
/** Rows per statement: 15 parameters each stays far below PostgreSQL's 65535 limit. */
const MAX_ROWS = 256;
const statementFor = multiRowInsert('grants', COLUMN_NAMES);
const TYPED_PARAMETERS = Object.values(COLUMN_TYPES)
  .map((type, index) => `$${index + 1}::${type}`)
  .join(', ');

/**
 * One grant and the spending of the authorization code it comes from, in one statement (one
 * implicit transaction): both happen or neither (SECURITY-CHECKLIST F-10), so an outage between
 * them cannot burn a code without its tokens. No row back: the code was spent meanwhile.
 */
export const GRANT_REDEEMING_CODE: NamedStatement = {
  name: 'portcullis_grant_redeeming_code',
  text: `WITH spent AS (
    UPDATE authorization_codes SET consumed_at = now()
    WHERE code_hash = $13::text AND client_ref = $2::uuid AND consumed_at IS NULL
    RETURNING code_hash
  )
  INSERT INTO grants (${COLUMNS}) SELECT ${TYPED_PARAMETERS} FROM spent RETURNING id`,
};

export function grantParameters(grant: NewGrant): unknown[] {
  const parameters: unknown[] = [];
  pushParameters(parameters, grant);
  return parameters;
}

interface Pending {
  grant: NewGrant;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for grants rows. The first INSERT goes out at once (no added latency when idle);
 * rows arriving while `maxInFlight` statements are running wait and leave together as one
 * multi-row INSERT (one implicit transaction, one WAL flush). Each caller's promise settles only
 * when the statement holding its row has committed, so a token is never answered before its grant
 * row is durable. A failed batch is retried row by row, so one bad row (a client deleted meanwhile)
 * fails only its own request.
 */
export class GrantInsertBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly execute: ExecuteNamed,
    private readonly maxInFlight: number,
  ) {}

  insert(grant: NewGrant): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ grant, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate: requests parsed in the same event-loop turn join the same statement.
    setImmediate(() => {
      this.scheduled = false;
      if (this.inFlight >= this.maxInFlight) return;
      void this.flush(this.queue.splice(0, MAX_ROWS));
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    this.inFlight++;
    try {
      await this.write(batch.map((pending) => pending.grant));
      for (const pending of batch) pending.resolve();
    } catch (error) {
      if (batch.length === 1) batch[0].reject(error);
      else await Promise.all(batch.map((pending) => this.write([pending.grant]).then(pending.resolve, pending.reject)));
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private write(grants: NewGrant[]): Promise<unknown> {
    const parameters: unknown[] = [];
    for (const grant of grants) pushParameters(parameters, grant);
    return this.execute(statementFor(grants.length), parameters);
  }
}

function pushParameters(parameters: unknown[], grant: NewGrant): void {
  parameters.push(
    grant.id,
    grant.clientRef,
    grant.clientId,
    grant.userId,
    grant.username,
    grant.grantType,
    JSON.stringify(grant.scopes),
    // ISO strings: the same instants, without the driver's slower local-time formatting of Dates.
    grant.issuedAt.toISOString(),
    grant.accessExpiresAt?.toISOString() ?? null,
    grant.refreshTokenHash,
    grant.refreshRemaining,
    grant.refreshUnlimited,
    grant.authorizationCodeHash,
    grant.requestIp,
    grant.requestId,
  );
}
