import { afterEach, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { Es256SigningThread, signOnPool } from './es256-signing-thread.js';

const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const verifies = (input: string, signature: string, publicKey: KeyObject) =>
  verify('sha256', Buffer.from(input), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));

describe('Es256SigningThread', () => {
  let thread: Es256SigningThread;
  afterEach(async () => thread?.onApplicationShutdown());

  it('signs each input of a batch with its own key, and gives each caller its own signature', async () => {
    thread = new Es256SigningThread();
    const [a, b] = [keyPair(), keyPair()];
    const inputs = Array.from({ length: 50 }, (_, i) => `header.payload-${i}`);
    // One event-loop turn: both keys' batches leave together.
    const signatures = await Promise.all(inputs.map((input, i) => thread.sign(input, (i % 2 ? b : a).privateKey)));
    signatures.forEach((signature, i) => {
      const own = i % 2 ? b : a;
      const other = i % 2 ? a : b;
      expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
      expect(verifies(inputs[i], signature, own.publicKey)).toBe(true);
      expect(verifies(inputs[i], signature, other.publicKey)).toBe(false);
      expect(verifies(inputs[(i + 2) % inputs.length], signature, own.publicKey)).toBe(false);
    });
  });

  it('leaves nobody waiting when the thread is lost: what it held is signed on the pool', async () => {
    const mute = new MuteFirstThread();
    thread = mute;
    const { privateKey, publicKey } = keyPair();
    const pending = Array.from({ length: 20 }, (_, i) => thread.sign(`held-${i}`, privateKey));
    // Once the batch has been handed over (next turn) to a thread that never answers, it ends.
    await new Promise((resolve) => setImmediate(resolve));
    expect(mute.started).toHaveLength(1);
    await mute.started[0].terminate();
    const signatures = await Promise.all(pending);
    signatures.forEach((signature, i) => expect(verifies(`held-${i}`, signature, publicKey)).toBe(true));
    // A new (real) thread takes the next batch.
    expect(verifies('after', await thread.sign('after', privateKey), publicKey)).toBe(true);
    expect(mute.started).toHaveLength(2);
  });

  it('still signs after shutdown (on the pool)', async () => {
    thread = new Es256SigningThread();
    const { privateKey, publicKey } = keyPair();
    await thread.onApplicationShutdown();
    expect(verifies('late', await thread.sign('late', privateKey), publicKey)).toBe(true);
  });

  it('refuses a key that cannot sign ES256, for every caller of the batch', async () => {
    thread = new Es256SigningThread();
    const ed25519 = generateKeyPairSync('ed25519');
    const results = await Promise.allSettled([thread.sign('x', ed25519.privateKey), thread.sign('y', ed25519.privateKey)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('signOnPool', () => {
  it('makes a JOSE R||S signature', async () => {
    const { privateKey, publicKey } = keyPair();
    expect(verifies('input', await signOnPool('input', privateKey), publicKey)).toBe(true);
  });
});

/** Its first thread takes batches and never answers, so only the rescue can settle them. */
class MuteFirstThread extends Es256SigningThread {
  readonly started: Worker[] = [];
  protected override startWorker(): Worker {
    const worker = this.started.length === 0 ? new Worker('setInterval(() => undefined, 1000)', { eval: true }) : super.startWorker();
    this.started.push(worker);
    return worker;
  }
}
