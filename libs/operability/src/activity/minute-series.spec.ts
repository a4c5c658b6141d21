import { describe, expect, it } from '@jest/globals';
import { minuteStamps, seriesByLabel, seriesGroup, seriesTotal, topLabels, windowEndingAt } from './minute-series.js';

const T = Date.UTC(2026, 11, 4, 18, 30, 0);

describe('activity series', () => {
  const window = windowEndingAt(T + 42_000, 3);

  it('ends with the current minute', () => {
    expect(minuteStamps(window)).toEqual(['2026-12-04T18:28:00.000Z', '2026-12-04T18:29:00.000Z', '2026-12-04T18:30:00.000Z']);
  });

  it('aligns counts with the minutes, zero elsewhere, and ignores minutes outside the window', () => {
    const counts = [
      { minute: T, metric: 'tokens.issued', label: 'password', count: 2 },
      { minute: T - 120_000, metric: 'tokens.issued', label: 'client_credentials', count: 5 },
      { minute: T - 180_000, metric: 'tokens.issued', label: 'password', count: 9 },
    ];
    expect(seriesByLabel(counts, window)).toEqual({ password: [0, 0, 2], client_credentials: [5, 0, 0] });
    expect(seriesTotal(counts, window)).toEqual([5, 0, 2]);
  });

  it('totals a group of series', () => {
    expect(seriesGroup({ a: [1, 2], b: [0, 4] })).toEqual({ total: 7, series: { a: [1, 2], b: [0, 4] } });
    expect(seriesGroup({})).toEqual({ total: 0, series: {} });
  });

  it('ranks labels by their sum', () => {
    expect(topLabels({ a: [1, 1], b: [5, 0], c: [0, 2] }, 2)).toEqual([
      { label: 'b', total: 5 },
      { label: 'a', total: 2 },
    ]);
  });
});
