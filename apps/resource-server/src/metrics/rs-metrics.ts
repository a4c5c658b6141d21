import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from '#operability';
import { GuardTelemetry, RegistryProjection, RegistrySyncService, SyncTransportRegistry } from '#resource-guard';

/** Where a request was decided on under the route rules. */
export type RouteDecisionEntry = 'gateway' | 'forward_auth';

/**
 * The resource server's own metrics. Counters are bumped by the code that observes the event
 * (JWKS fetch, dead letters) or by subscription (sync apply: the registry does not know its
 * metrics); the gauges read the projection and transport state on scrape.
 */
@Injectable()
export class RsMetrics {
  private readonly applied: Counter<'kind'>;
  private readonly propagation: Histogram;
  private readonly jwksFetches: Counter;
  private readonly deadLetters: Counter<'reason'>;
  private readonly clientBasicRefusals: Counter<'reason'>;
  /** One labelled child per (via, route, status), made on first use: no label hashing per request. */
  /**
   * Decisions counted here and added to route_decisions_total when it is collected (a scrape):
   * prom-client hashes and validates the labels on every inc, ~8 µs of the ~45 µs /auth/verify
   * cost per request (bench/edge.js). Bounded as the label set is: by the route table.
   */
  private readonly pendingDecisions = new Map<string, PendingDecisions>();

  constructor(
    metrics: MetricsRegistry,
    projection: RegistryProjection,
    transports: SyncTransportRegistry,
    sync: RegistrySyncService,
    telemetry: GuardTelemetry,
  ) {
    const registers = [metrics.registry];
    this.applied = new Counter({
      name: 'sync_events_applied_total',
      help: 'Registry events applied to the local database, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.propagation = new Histogram({
      name: 'sync_event_lag_seconds',
      help: 'Time from the change at the auth server (occurredAt) to its commit here',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'sync_events_dead_lettered_total',
      help: 'Stream entries refused and moved to the dead-letter stream, by reason (unsigned, foreign, malformed, ...): alert on any',
      labelNames: ['reason'],
      registers,
    });
    this.clientBasicRefusals = new Counter({
      name: 'client_basic_refusals_total',
      help: 'Calls with HTTP Basic client credentials refused on clientBasic routes, by reason (malformed, unknown_client, wrong_secret, throttled, auth_server_unavailable, ...)',
      labelNames: ['reason'],
      registers,
    });
    const pendingDecisions = this.pendingDecisions;
    new Counter({
      name: 'route_decisions_total',
      help: 'Decisions under the route rules, by entry (gateway, forward_auth), route prefix ("unmatched" without a route) and status',
      labelNames: ['via', 'route', 'status'],
      registers,
      collect() {
        for (const pending of pendingDecisions.values()) {
          if (pending.count === 0) continue;
          this.inc(pending.labels, pending.count);
          pending.count = 0;
        }
      },
    });
    this.jwksFetches = new Counter({ name: 'jwks_fetches_total', help: "Fetches of the auth server's JWKS (start, unknown kid, expiry)", registers });
    sync.onEventApplied((kind, occurredAt) => this.eventApplied(kind, occurredAt));
    telemetry.onJwksFetch(() => this.jwksFetched());
    telemetry.onDeadLetter((reason) => this.eventDeadLettered(reason));
    const revocationsPruned = new Counter({
      name: 'registry_revocations_pruned_total',
      help: 'Revocations removed from the registry database once their tokens expired (periodic, in bounded batches)',
      registers,
    });
    telemetry.onRevocationsPruned((count) => revocationsPruned.inc(count));
    const duplicates = new Counter({
      name: 'sync_events_duplicate_total',
      help: 'Events delivered again after they were applied (a lost ack, a redelivery), recognised by seq and not applied twice',
      registers,
    });
    telemetry.onDuplicate(() => duplicates.inc());
    new Gauge({
      name: 'sync_last_applied_seq',
      help: 'Outbox seq of the last event applied (or loaded by snapshot)',
      registers,
      collect() {
        this.set(projection.syncState().lastAppliedSeq);
      },
    });
    new Gauge({
      name: 'sync_lag_events',
      help: 'Events known to the transport but not applied yet (in-process transport only; absent otherwise)',
      registers,
      collect() {
        const latest = transports.status()?.latestSeq;
        if (latest !== undefined) this.set(Math.max(0, latest - projection.syncState().lastAppliedSeq));
      },
    });
    new Gauge({
      name: 'sync_transport_disconnected_seconds',
      help: 'Seconds since the event transport was last seen connected (0 while connected)',
      registers,
      collect() {
        this.set(transports.disconnectedForMs() / 1000);
      },
    });
    new Gauge({
      name: 'registry_snapshot_loaded',
      help: '1 once the registry snapshot is loaded (protected routes answer 503 before)',
      registers,
      collect() {
        this.set(projection.isReady() ? 1 : 0);
      },
    });
  }

  eventApplied(kind: string, occurredAt: string): void {
    this.applied.inc({ kind });
    const lagMs = Date.now() - Date.parse(occurredAt);
    if (Number.isFinite(lagMs)) this.propagation.observe(Math.max(0, lagMs) / 1000);
  }

  private eventDeadLettered(reason: string): void {
    this.deadLetters.inc({ reason });
  }

  /** `reason`: one of client-basic/client-basic-refusal.ts, a bounded set. */
  clientBasicRefused(reason: string): void {
    this.clientBasicRefusals.inc({ reason });
  }

  /** `route`: a prefix of the route table or "unmatched", so the label set stays bounded by the table. */
  routeDecided(via: RouteDecisionEntry, route: string, status: number): void {
    const key = `${via} ${status} ${route}`;
    let pending = this.pendingDecisions.get(key);
    if (pending === undefined) {
      pending = { labels: { via, route, status: String(status) }, count: 0 };
      this.pendingDecisions.set(key, pending);
    }
    pending.count++;
  }

  private jwksFetched(): void {
    this.jwksFetches.inc();
  }
}

interface PendingDecisions {
  labels: { via: string; route: string; status: string };
  count: number;
}
