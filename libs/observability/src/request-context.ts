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

/** Short and log-safe: anything else (long, spaces, control characters) is replaced, not echoed. */
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function acceptOrGenerateRequestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && WELL_FORMED_ID.test(header) ? header : randomUUID();
}

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
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
