/** A bounded closed-loop load (a fixed number of workers, each awaiting its request) that records every answer. */

export interface Outcome {
  op: string;
  path: string;
  startedAt: number;
  ms: number;
  status: number;
  contentType: string;
  body: Record<string, unknown>;
  /** What the operation needs remembered to check the database afterwards (a code, a grant id). */
  subject?: string;
}

export interface Operation {
  name: string;
  /** undefined when it has nothing left to do (out of codes, say). */
  run(): Promise<Omit<Outcome, 'op' | 'startedAt' | 'ms'>> | undefined;
}

export interface LoadOptions {
  workers: number;
  maxRequests: number;
  /** Each worker stops at the first of maxRequests, until() answering true, or deadlineMs. */
  until: () => boolean;
  deadlineMs: number;
}

/** Appends to `outcomes` as answers come, so that the caller can watch them. */
export async function runLoad(operations: Operation[], outcomes: Outcome[], options: LoadOptions): Promise<void> {
  const deadline = performance.now() + options.deadlineMs;
  let next = 0;
  const worker = async () => {
    while (outcomes.length < options.maxRequests && !options.until() && performance.now() < deadline) {
      const operation = operations[next++ % operations.length];
      const startedAt = performance.now();
      const pending = operation.run();
      if (!pending) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      const answer = await pending;
      outcomes.push({ op: operation.name, startedAt, ms: performance.now() - startedAt, ...answer });
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
}

/** Reads an answer whatever its type, so that a test can assert on the exact body. */
export async function record(path: string, response: Response, subject?: string): Promise<Omit<Outcome, 'op' | 'startedAt' | 'ms'>> {
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { unparsed: text.slice(0, 200) };
  }
  return { path, status: response.status, contentType: response.headers.get('content-type') ?? '', body, subject };
}
