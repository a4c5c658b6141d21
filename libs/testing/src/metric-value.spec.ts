import { describe, expect, it } from '@jest/globals';
import { metricValue } from './metric-value.js';

const METRICS = [
  '# HELP route_decisions_total Route decisions',
  '# TYPE route_decisions_total counter',
  'route_decisions_total{via="gateway",route="/billing",status="200"} 12',
  'route_decisions_total{via="gateway",route="/billing/admin",status="200"} 3',
  'http_request_duration_seconds_sum{method="GET",route="/api/me",status_class="2xx"} 0.25',
  'process_start_time_seconds 1.7e9',
].join('\n');

describe('metricValue', () => {
  it('reads the series named exactly, integer or not', () => {
    expect(metricValue(METRICS, 'route_decisions_total{via="gateway",route="/billing",status="200"}')).toBe(12);
    expect(metricValue(METRICS, 'route_decisions_total{via="gateway",route="/billing/admin",status="200"}')).toBe(3);
    expect(metricValue(METRICS, 'http_request_duration_seconds_sum{method="GET",route="/api/me",status_class="2xx"}')).toBe(0.25);
    expect(metricValue(METRICS, 'process_start_time_seconds')).toBe(1.7e9);
  });

  it('is 0 for a series not exposed (yet), never a prefix of another one', () => {
    expect(metricValue(METRICS, 'route_decisions_total{via="gateway",route="/bill",status="200"}')).toBe(0);
    expect(metricValue(METRICS, 'route_decisions_total')).toBe(0);
  });
});
