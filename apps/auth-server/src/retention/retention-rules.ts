/**
 * What the retention job removes, table by table, and the order it goes in (docs/retention.md).
 * Each rule is one bounded statement: `$1` is the batch size and, for the rules that say
 * `withAuditDays`, `$2` the audit retention in days.
 * Every rule selects its victims oldest first on an index and with FOR UPDATE SKIP LOCKED, so a
 * batch never waits for a row a token request holds, and never makes one wait for long.
 */
export const RETENTION_TABLES = [
  'grants',
  'grant_revocation_records',
  'audit_events',
  'authorization_codes',
  'authorization_requests',
  'device_requests',
  'pushed_authorization_requests',
  'browser_sessions',
  'auth_failures',
  'outbox_events',
  'used_one_time_ids',
  'activity_minutes',
] as const;

export type RetentionTable = (typeof RETENTION_TABLES)[number];

/** An access token is refused this long after its exp everywhere (the resource server's clock tolerance is 60 s at most). */
const EXPIRY_GRACE = `interval '5 minutes'`;

/**
 * A consumed code is what recognises a replay, and a replay revokes the grant it produced (RFC 6749
 * §4.1.2). A stolen code is replayed while it is fresh; a day after its expiry it goes, and a later
 * replay is refused without the revocation.
 */
const CODE_REPLAY_WINDOW = `interval '1 day'`;

/**
 * A device that polls a little past expiry is told expired_token (RFC 8628 §3.5), not that its code
 * is unknown: its request stays this long after expiring.
 */
const DEVICE_EXPIRED_KEPT = `interval '1 hour'`;

/** Longer than any failure window (DEFAULT_THROTTLE_POLICY: 300 s): an older row counts nothing. */
const FAILURE_WINDOW = `interval '1 hour'`;

/** Published events stay a day for diagnosis; the newest published one always, as the relay's prevSeq. */
const PUBLISHED_EVENT_KEPT = `interval '1 day'`;

/** The dashboard shows the last hour; a day of minutes stays for a look back after an incident. */
const ACTIVITY_KEPT = `interval '1 day'`;

/**
 * The same test as the snapshot's pruning of revocation records (SyncSnapshotRepository): a
 * "never" token of a grant revoked at `revokedAt` may verify while an access-token signing key
 * activated before then is still published.
 */
const signingKeyMayStillVerify = (revokedAt: string): string =>
  `EXISTS (SELECT 1 FROM signing_keys k
           WHERE k.alg = 'ES256' AND k.activated_at <= ${revokedAt} AND (k.expires_at IS NULL OR k.expires_at > now()))`;

/**
 * `= ANY(ARRAY(...))`, not `IN (...)`: the planner may turn an IN into a hash semi join that reads
 * the whole table (seen on audit_events at 1 million rows); an array makes it primary-key lookups.
 */
const removing = (table: string, key: string, victims: string): string =>
  `WITH removed AS (DELETE FROM ${table} WHERE ${key} = ANY(ARRAY(${victims})) RETURNING 1) SELECT count(*)::int AS removed FROM removed`;

export interface RetentionRule {
  statement: string;
  withAuditDays?: true;
}

export const RETENTION_RULES: Record<RetentionTable, RetentionRule> = {
  // Nothing can use the grant (refresh token spent, revoked or never issued; access token expired,
  // or revoked and unverifiable). Its token.issued event, which the row is until then, moves to
  // audit_events on the way out (the grants_file_issue_event trigger) while it is within the audit
  // retention: the grants table holds live grants only, whatever the retention. The predicate
  // repeats grants_retention_idx's so the planner takes that index.
  grants: {
    statement: removing(
      'grants',
      'id',
      `SELECT g.id FROM grants g
     WHERE g.refresh_token_hash IS NULL AND (g.access_expires_at IS NOT NULL OR g.revoked_at IS NOT NULL)
       AND (g.access_expires_at < now() - ${EXPIRY_GRACE}
            OR (g.access_expires_at IS NULL AND NOT ${signingKeyMayStillVerify('g.revoked_at')}))
     ORDER BY g.created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    ),
  },
  grant_revocation_records: {
    statement: removing(
      'grant_revocation_records',
      'grant_id',
      `SELECT r.grant_id FROM grant_revocation_records r
     WHERE (r.expires_at IS NOT NULL AND r.expires_at < now() - ${EXPIRY_GRACE})
        OR (r.expires_at IS NULL AND NOT ${signingKeyMayStillVerify('r.revoked_at')})
     LIMIT $1 FOR UPDATE SKIP LOCKED`,
    ),
  },
  audit_events: {
    withAuditDays: true,
    statement: removing(
      'audit_events',
      'id',
      `SELECT id FROM audit_events WHERE occurred_at < now() - make_interval(days => $2) ORDER BY occurred_at LIMIT $1`,
    ),
  },
  authorization_codes: {
    statement: removing(
      'authorization_codes',
      'code_hash',
      `SELECT code_hash FROM authorization_codes WHERE expires_at < now() - ${CODE_REPLAY_WINDOW} ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    ),
  },
  authorization_requests: {
    statement: removing(
      'authorization_requests',
      'handle_hash',
      `SELECT handle_hash FROM authorization_requests WHERE expires_at < now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    ),
  },
  device_requests: {
    statement: removing(
      'device_requests',
      'id',
      `SELECT id FROM device_requests WHERE expires_at < now() - ${DEVICE_EXPIRED_KEPT} ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    ),
  },
  // A pushed request is useless once expired (RFC 9126: 60 s); a used one is already gone.
  pushed_authorization_requests: {
    statement: removing(
      'pushed_authorization_requests',
      'request_uri_hash',
      `SELECT request_uri_hash FROM pushed_authorization_requests WHERE expires_at < now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    ),
  },
  browser_sessions: {
    statement: removing(
      'browser_sessions',
      'id',
      `SELECT id FROM browser_sessions WHERE expires_at < now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    ),
  },
  // A proof or assertion this old is refused by its own time claims before its id is looked up.
  used_one_time_ids: {
    statement: removing(
      'used_one_time_ids',
      'key',
      `SELECT key FROM used_one_time_ids WHERE expires_at < now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    ),
  },
  auth_failures: {
    statement: removing(
      'auth_failures',
      'key',
      `SELECT key FROM auth_failures
     WHERE window_started_at < now() - ${FAILURE_WINDOW} AND (locked_until IS NULL OR locked_until < now())
     ORDER BY window_started_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    ),
  },
  // Unlocked rows only: an instance adding to a recent minute is never waited for (and those are kept anyway).
  activity_minutes: {
    statement: `WITH victims AS (SELECT minute, metric, label FROM activity_minutes WHERE minute < now() - ${ACTIVITY_KEPT} ORDER BY minute LIMIT $1 FOR UPDATE SKIP LOCKED),
     removed AS (DELETE FROM activity_minutes a USING victims v WHERE a.minute = v.minute AND a.metric = v.metric AND a.label = v.label RETURNING 1)
     SELECT count(*)::int AS removed FROM removed`,
  },
  outbox_events: {
    statement: removing(
      'outbox_events',
      'seq',
      `SELECT seq FROM outbox_events
     WHERE published_at < now() - ${PUBLISHED_EVENT_KEPT}
       AND seq < (SELECT max(seq) FROM outbox_events WHERE published_at IS NOT NULL)
     ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
    ),
  },
};
