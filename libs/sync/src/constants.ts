/** The Redis Stream the auth server's relay appends to and every resource server reads. */
export const DEFAULT_SYNC_STREAM = 'portcullis:registry-events';

/**
 * Injection token for the shared InProcessEventBus. The launcher creates one bus and hands it to
 * both apps, so they sync in one process without Redis.
 */
export const SYNC_EVENT_BUS = Symbol('SYNC_EVENT_BUS');

/** Stream field names: the envelope as JSON in one field, its seq in another for inspection. */
export const STREAM_FIELD_ENVELOPE = 'envelope';
export const STREAM_FIELD_SEQ = 'seq';
