import cluster, { type Worker } from 'node:cluster';
import { ClusterMessages, isClusterMessage } from './cluster-messages.js';

export type SiblingListener = (body: unknown) => void;

/**
 * Tells the other workers of a WorkerPool what this one just committed, so that the state each
 * keeps in memory follows at once rather than at its next poll. The primary relays every message
 * to every other live worker (relaySiblingMessages), in the order it received them from one worker;
 * messages from two workers may interleave, so a listener should re-read what it is told about
 * rather than trust the message's content to be the latest. Outside a pool (one process, or a
 * cluster run by someone else) publish does nothing and no message arrives.
 */
export class SiblingChannel {
  private readonly listeners = new Map<string, SiblingListener[]>();
  private readonly onMessage = (message: unknown) => {
    if (!isClusterMessage(message) || message.type !== ClusterMessages.sibling) return;
    for (const listener of this.listeners.get(message.topic) ?? []) listener(message.body);
  };

  publish(topic: string, body: unknown): void {
    // The channel closes when the primary goes; the siblings go with it.
    if (cluster.isWorker && process.connected) process.send!({ type: ClusterMessages.sibling, topic, body }, undefined, undefined, () => undefined);
  }

  subscribe(topic: string, listener: SiblingListener): void {
    if (!cluster.isWorker) return;
    if (this.listeners.size === 0) process.on('message', this.onMessage);
    this.listeners.set(topic, [...(this.listeners.get(topic) ?? []), listener]);
  }
}

/** The primary's side: every sibling message goes to every other connected worker. */
export function relaySiblingMessages(): void {
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isClusterMessage(message) || message.type !== ClusterMessages.sibling) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker !== from && worker.isConnected()) worker.send(message, undefined, () => undefined);
    }
  });
}
