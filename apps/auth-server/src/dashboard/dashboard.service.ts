import { Injectable } from '@nestjs/common';
import type { AuditEvent } from '../audit/audit-event.js';
import { AuditQueryService } from '../audit/audit-query.service.js';
import { ClientsAdminService } from '../clients/clients-admin.service.js';
import { ActivityFlusher } from './activity-flusher.js';
import { ActivityMetrics } from './activity-metrics.js';
import { minuteStamps, seriesByLabel, seriesGroup, seriesTotal, sum, topLabels, windowEndingAt, type SeriesGroup } from '#operability';
import { ActivityRepository } from './activity.repository.js';
import { ResourceServerSync, type SyncOverview } from './resource-server-sync.js';

/** The dashboard's window: the last hour, per minute. */
export const DASHBOARD_MINUTES = 60;
const TOP_CLIENTS = 5;
const LATEST_AUDIT_EVENTS = 10;

export interface Dashboard {
  generatedAt: string;
  minutes: string[];
  tokensIssued: SeriesGroup;
  tokenRefusals: SeriesGroup;
  clients: { active: number; registered: number; issuing: number; top: { clientId: string; name: string | null; version: string | null; tokens: number }[] };
  sync: SyncOverview;
  latestAudit: AuditEvent[];
}

export interface ClientActivity {
  clientId: string;
  minutes: string[];
  tokens: number[];
  total: number;
}

@Injectable()
export class DashboardService {
  constructor(
    private readonly repository: ActivityRepository,
    private readonly flusher: ActivityFlusher,
    private readonly sync: ResourceServerSync,
    private readonly audit: AuditQueryService,
    private readonly clients: ClientsAdminService,
  ) {}

  async dashboard(now = Date.now()): Promise<Dashboard> {
    const window = windowEndingAt(now, DASHBOARD_MINUTES);
    // This instance's latest counts first: what the admin just did shows at once.
    await this.flusher.flush();
    const [counts, clientCounts, sync, audit] = await Promise.all([
      this.repository.counts([ActivityMetrics.tokensIssued, ActivityMetrics.tokenRefused, ActivityMetrics.tokensIssuedByClient], window.from),
      this.repository.clientCounts(),
      this.sync.overview(now),
      this.audit.list({ limit: LATEST_AUDIT_EVENTS }),
    ]);
    const of = (metric: string) => seriesByLabel(counts.filter((row) => row.metric === metric), window);
    const byClient = of(ActivityMetrics.tokensIssuedByClient);
    const top = topLabels(byClient, TOP_CLIENTS).filter((entry) => entry.total > 0);
    const names = new Map((await this.repository.clientNames(top.map((entry) => entry.label))).map((client) => [client.clientId, client]));
    return {
      generatedAt: new Date(now).toISOString(),
      minutes: minuteStamps(window),
      tokensIssued: seriesGroup(of(ActivityMetrics.tokensIssued)),
      tokenRefusals: seriesGroup(of(ActivityMetrics.tokenRefused)),
      clients: {
        active: clientCounts.active,
        registered: clientCounts.total,
        issuing: Object.values(byClient).filter((values) => sum(values) > 0).length,
        top: top.map(({ label, total }) => ({ clientId: label, name: names.get(label)?.name ?? null, version: names.get(label)?.version ?? null, tokens: total })),
      },
      sync,
      latestAudit: audit.items,
    };
  }

  /** One client's tokens per minute over the dashboard's window (its sparkline); 404 for an unknown client. */
  async clientActivity(clientId: string, now = Date.now()): Promise<ClientActivity> {
    await this.clients.existing(clientId);
    const window = windowEndingAt(now, DASHBOARD_MINUTES);
    await this.flusher.flush();
    const tokens = seriesTotal(await this.repository.counts([ActivityMetrics.tokensIssuedByClient], window.from, clientId), window);
    return { clientId, minutes: minuteStamps(window), tokens, total: sum(tokens) };
  }
}
