import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import type { OpenApiDocument } from '../openapi-coverage.js';
import type { DbFingerprint } from './db-fingerprint.js';
import { sendRaw, type RawRequest, type RawResponse } from './raw-http.js';
import type { FuzzContext, RequestPlan } from './plan-types.js';
import { materialize, requestPlans } from './requests.js';
import { isParserRefusal, responseViolations } from './response-checks.js';
import { MUTATING_METHODS, type FuzzRoute } from './routes.js';

export interface FuzzTarget {
  port(): number;
  routes: FuzzRoute[];
  document: OpenApiDocument;
  context: FuzzContext;
  fingerprint: DbFingerprint;
  htmlErrorPaths: RegExp;
  /** Before each case: e.g. put back the real ids that earlier cases deleted. */
  prepare?(): Promise<void>;
  /**
   * Known issues that cannot be fixed from here (code owned elsewhere): a name when the response
   * is one of them, so that it is counted in the stats instead of failing the run.
   */
  knownIssue?(request: RawRequest, response: RawResponse): string | undefined;
}

export interface FuzzStats {
  runs: number;
  milliseconds: number;
  statuses: Record<string, number>;
  /** Requests Node's HTTP parser refused before the app saw them (Fastify's default answer). */
  parserRefusals: number;
  knownIssues: Record<string, number>;
}

/** `npm test` runs a bounded number of cases; `npm run fuzz` sets FUZZ_RUNS (1000 by default). */
export function fuzzRuns(fallback: number): number {
  const runs = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(runs) && runs > 0 ? runs : fallback;
}

/** Fixed unless FUZZ_SEED says otherwise, so a failure in CI replays locally. */
export function fuzzSeed(): number {
  const seed = Number(process.env.FUZZ_SEED);
  return Number.isInteger(seed) ? seed : 20261201;
}

/**
 * Sends `runs` generated requests to the target, one at a time. Each answer must be a 4xx or
 * better, carry no internal detail, be an OAuth error, a problem or (where allowed) an HTML
 * page, and a refused request must leave the watched tables as they were.
 */
export async function fuzz(target: FuzzTarget, runs: number, seed = fuzzSeed()): Promise<FuzzStats> {
  const routes = new Map(target.routes.map((route) => [`${route.method} ${route.url}`, route]));
  const stats: FuzzStats = { runs: 0, milliseconds: 0, statuses: {}, parserRefusals: 0, knownIssues: {} };
  const started = performance.now();
  // Route by route, so that every endpoint gets its share however many routes there are: more
  // for those that take a body or write, one for HEAD twins and 405 stubs (not in the document).
  const weight = (route: FuzzRoute) => (!route.documented ? 1 : route.jsonBody || route.formBody ? 8 : MUTATING_METHODS.has(route.method) ? 5 : 3);
  const shares = target.routes.reduce((sum, route) => sum + weight(route), 0);
  for (const [index, route] of target.routes.entries()) {
    const perRoute = Math.max(1, Math.ceil((runs * weight(route)) / shares));
    const plans = requestPlans([route], target.document as never, target.context.credentials);
    await fc.assert(
      fc.asyncProperty(plans, (plan) => runCase(target, routes, plan, stats)),
      { numRuns: perRoute, seed: seed + index, endOnFailure: true },
    );
  }
  stats.milliseconds = Math.round(performance.now() - started);
  return stats;
}

async function runCase(target: FuzzTarget, routes: Map<string, FuzzRoute>, plan: RequestPlan, stats: FuzzStats): Promise<void> {
  await target.prepare?.();
  const request = await materialize(plan, routes, target.context);
  const before = await target.fingerprint.take();
  let response: RawResponse;
  try {
    response = await sendRaw(target.port(), request);
  } catch (error) {
    throw new Error(`no HTTP answer (${String(error)}) to ${describe(request)}`);
  }
  stats.runs += 1;
  stats.statuses[response.status] = (stats.statuses[response.status] ?? 0) + 1;
  if (isParserRefusal(response)) stats.parserRefusals += 1;
  // FUZZ_LOG=<file>: one line per case, to see what the generators actually reach.
  if (process.env.FUZZ_LOG)
    appendFileSync(
      process.env.FUZZ_LOG,
      `${response.status} ${isParserRefusal(response) ? 'P' : '-'} ${plan.route} :: ${describe(request).slice(0, 400)} => ${JSON.stringify(response.body.toString('utf8').slice(0, 150))}\n`,
    );
  const known = target.knownIssue?.(request, response);
  if (known) stats.knownIssues[known] = (stats.knownIssues[known] ?? 0) + 1;
  const violations = known ? [] : responseViolations(request.method, request.target, response, { htmlErrorPaths: target.htmlErrorPaths });
  if (response.status >= 400 && response.status < 500) {
    const after = await target.fingerprint.take();
    const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
    if (changed.length > 0) violations.push(`refused with ${response.status}, yet changed ${changed.join(', ')}`);
  }
  if (violations.length > 0)
    throw new Error(`${violations.join('; ')}\n  request: ${describe(request)}\n  response: ${response.status} ${clip(response.body.toString('utf8'))}`);
}

function describe(request: RawRequest): string {
  const headers = request.headers.map(([name, value]) => `${name}: ${clip(value, 120)}`).join(' | ');
  return `${request.method} ${clip(request.target, 300)} [${headers}] body(${request.body?.length ?? 0}) ${clip(request.body?.toString('utf8') ?? '', 300)}`;
}

function clip(text: string, max = 400): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…(${text.length})` : text);
}
