import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { sign, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/**
 * The thread's whole program: sign each input of a batch with the batch's key (JOSE R||S). Inline
 * (`eval`) rather than a file of its own, so that the same code runs from dist/ and from the
 * TypeScript sources under the tests, and it is plain JavaScript for that reason.
 */
const SIGNING_PROGRAM = `
const { parentPort } = require('node:worker_threads');
const { sign } = require('node:crypto');
parentPort.on('message', ({ id, key, inputs }) => {
  try {
    const signatures = inputs.map((input) => sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url'));
    parentPort.postMessage({ id, signatures });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});`;

/** After this many threads lost, signatures stay on libuv's pool for the life of the process. */
const MAX_THREAD_LOSSES = 3;

interface Waiting {
  input: string;
  resolve: (signature: string) => void;
  reject: (error: unknown) => void;
}

type Answer = { id: number; signatures: string[] } | { id: number; error: string };

/**
 * ES256 signatures for access tokens on one worker thread, fed in batches: every signature asked
 * for in one event-loop turn leaves in one message per key, and comes back in one. The ECDSA was
 * the largest single cost of a token on the event loop; handed to libuv's pool one job per token
 * it still cost the loop a thread hand-off and a wake-up each (~20% of its samples), and a batch
 * costs one of each for many tokens. Measured against the pool under the same load: a lower CPU
 * cost per token and a higher rate (docs/performance.md, fourth round). Node offers no batched
 * signing and no library does this, hence by hand; it is small on purpose.
 *
 * A thread that dies leaves nobody waiting: whatever it held is signed on the pool instead, and a
 * new thread takes the next batch (after MAX_THREAD_LOSSES, the pool does for good). After
 * shutdown, signatures are made on the pool too.
 */
@Injectable()
export class Es256SigningThread implements OnApplicationShutdown {
  private readonly logger = new Logger(Es256SigningThread.name);
  private worker: Worker | undefined;
  private queued = new Map<KeyObject, Waiting[]>();
  private flushScheduled = false;
  private readonly inFlight = new Map<number, { key: KeyObject; batch: Waiting[] }>();
  private nextBatchId = 0;
  private threadLosses = 0;
  private closed = false;

  /** The base64url JOSE signature (R||S) of `input` with `key`. */
  sign(input: string, key: KeyObject): Promise<string> {
    if (this.closed || this.threadLosses >= MAX_THREAD_LOSSES) return signOnPool(input, key);
    return new Promise((resolve, reject) => {
      let batch = this.queued.get(key);
      if (batch === undefined) this.queued.set(key, (batch = []));
      batch.push({ input, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.worker?.terminate();
  }

  private flush(): void {
    this.flushScheduled = false;
    const queued = this.queued;
    this.queued = new Map();
    const worker = this.running();
    for (const [key, batch] of queued) {
      const id = this.nextBatchId++;
      this.inFlight.set(id, { key, batch });
      worker.postMessage({ id, key, inputs: batch.map((waiting) => waiting.input) });
    }
  }

  private running(): Worker {
    if (this.worker) return this.worker;
    const worker = this.startWorker();
    // Never what keeps the process alive; shutdown ends it.
    worker.unref();
    worker.on('message', (answer: Answer) => this.settle(answer));
    worker.on('error', (error) => this.logger.warn(`the signing thread failed: ${error.message}`));
    worker.on('exit', () => this.lost(worker));
    this.worker = worker;
    return worker;
  }

  /** A new signing thread (a seam: the spec starts one that never answers, then ends it). */
  protected startWorker(): Worker {
    return new Worker(SIGNING_PROGRAM, { eval: true });
  }

  private settle(answer: Answer): void {
    const entry = this.inFlight.get(answer.id);
    if (!entry) return;
    this.inFlight.delete(answer.id);
    if ('signatures' in answer) entry.batch.forEach((waiting, index) => waiting.resolve(answer.signatures[index]));
    else for (const waiting of entry.batch) waiting.reject(new Error(`ES256 signing failed: ${answer.error}`));
  }

  private lost(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (!this.closed) this.threadLosses++;
    const held = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const { key, batch } of held) for (const waiting of batch) signOnPool(waiting.input, key).then(waiting.resolve, waiting.reject);
  }
}

/** One signature as a libuv pool job (node:crypto's callback form). */
export function signOnPool(input: string, key: KeyObject): Promise<string> {
  return new Promise((resolve, reject) =>
    sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, (error, signature) =>
      error ? reject(error) : resolve(signature.toString('base64url')),
    ),
  );
}
