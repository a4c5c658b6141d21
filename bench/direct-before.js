// Shared by bench/edge.js (its ratios) and bench/report.js (its table), which must pair alike.

/**
 * The direct run (the upstream called without a front) measured last before `row`, for the same
 * payload: bench/edge.js measures one right before each fixed-JSON front, and older results files
 * one per round, before all fronts. Undefined when there is none.
 */
export function directBefore(results, row) {
  return results.slice(0, results.indexOf(row)).findLast((earlier) => earlier.front === 'direct' && earlier.payload === row.payload);
}
