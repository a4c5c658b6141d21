import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Header that carries the request id into a request, out in its response, and across both apps. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What the code below a request needs to know about it without threading it through every call. */
export interface RequestContext {
  requestId: string;
  ip: string;
  /** Who is acting, once known (the admin guard's user): audit rows default to it. */
  actor?: { type: 'user' | 'client'; id: string };
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Requests running inside the store. On Node 20 an AsyncLocalStorage is built on async_hooks:
 * once entered, an init hook runs for every promise and async resource of the process (measured:
 * ~15% of the token endpoint's throughput), and only disable() turns it off again. So the store is
 * disabled whenever no request is inside it, and the hottest routes (EXPLICIT_REQUEST_CONTEXT) never
 * enter it: they pass their context by hand.
 */
let requestsInside = 0;
/** Requests that ever entered the store, for tests and diagnostics. */
let requestsEntered = 0;

/** Short and log-safe: anything else (long, spaces, control characters) is replaced, not echoed. */
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function acceptOrGenerateRequestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && WELL_FORMED_ID.test(header) ? header : randomUUID();
}

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * Counts a request that is about to enter the store (runWithRequestContext); returns its release,
 * to call when the request is over (more calls do nothing). The last release disables the store,
 * its hooks with it, until the next request enters.
 */
export function holdRequestContextStore(): () => void {
  requestsInside += 1;
  requestsEntered += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    requestsInside -= 1;
    if (requestsInside === 0) storage.disable();
  };
}

/**
 * For a route whose requests pass their context by hand: runs one step whose code reads
 * currentRequestContext() (a rarely taken branch not worth converting) inside the store.
 */
export async function runInsideRequestContext<T>(context: RequestContext, step: () => Promise<T>): Promise<T> {
  const release = holdRequestContextStore();
  try {
    return await storage.run(context, step);
  } finally {
    release();
  }
}

/**
 * Fastify route config (`@RouteConfig(EXPLICIT_REQUEST_CONTEXT)` from @nestjs/platform-fastify)
 * for the hottest routes: their requests never enter the store. Code below them reads nothing from
 * currentRequestContext(); it is handed requestContextOf(request) instead.
 */
export const EXPLICIT_REQUEST_CONTEXT = Object.freeze({ requestContext: 'explicit' as const });

/** Whether the store (and on Node 20 its async hooks) is on: a request is inside it. */
export function requestContextStoreActive(): boolean {
  return requestsInside > 0;
}

/** How many requests (or steps: runInsideRequestContext) have entered the store since the process started. */
export function requestContextStoreEntries(): number {
  return requestsEntered;
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * Headers for an outgoing call to the other app: the current request's id, or a fresh one for
 * work outside a request (a snapshot at start), so the two apps' log lines can be joined.
 */
export function requestIdHeaders(): Record<string, string> {
  return { [REQUEST_ID_HEADER]: storage.getStore()?.requestId ?? randomUUID() };
}
