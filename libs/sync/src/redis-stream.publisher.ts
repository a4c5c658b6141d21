import { Redis } from 'ioredis';
import { DEFAULT_SYNC_STREAM, STREAM_FIELD_ENVELOPE, STREAM_FIELD_SEQ } from './constants.js';
import type { SyncEnvelope } from './events.js';
import type { SyncPublisher } from './sync-publisher.js';
import { streamIdForSeq } from './stream-entry.js';

export interface RedisStreamPublisherOptions {
  redisUrl: string;
  /** Defaults to DEFAULT_SYNC_STREAM. */
  stream?: string;
  /** Approximate cap on the stream's length; a consumer further behind than this resyncs. */
  maxLength?: number;
}

/**
 * XADDs each envelope under the id `<seq>-0`. Redis refuses an id not above the stream's last
 * one, so republishing after a crash between XADD and marking the row published is harmless.
 */
export class RedisStreamPublisher implements SyncPublisher {
  private readonly redis: Redis;
  private readonly stream: string;
  private readonly maxLength: number;

  constructor(options: RedisStreamPublisherOptions) {
    this.stream = options.stream ?? DEFAULT_SYNC_STREAM;
    this.maxLength = options.maxLength ?? 100_000;
    // Fail fast while Redis is down: the relay keeps the rows and retries with backoff.
    this.redis = new Redis(options.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      commandTimeout: 2000,
      connectTimeout: 2000,
      retryStrategy: (attempt: number) => Math.min(50 * attempt, 1000),
    });
    this.redis.on('error', () => undefined); // failures surface through publish()
  }

  async publish(envelope: SyncEnvelope): Promise<void> {
    if (this.redis.status === 'wait') await this.redis.connect();
    try {
      await this.redis.xadd(this.stream, 'MAXLEN', '~', this.maxLength, streamIdForSeq(envelope.seq), STREAM_FIELD_SEQ, String(envelope.seq), STREAM_FIELD_ENVELOPE, JSON.stringify(envelope));
    } catch (error) {
      if (String(error).includes('equal or smaller')) return; // already in the stream
      throw error;
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
