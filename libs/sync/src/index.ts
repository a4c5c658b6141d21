/**
 * The sync library: how registry changes travel from the auth server to resource servers.
 * See docs/sync.md. Auth server: an outbox relay publishes through a SyncPublisher. Resource
 * server: a transport (RedisStreamsTransport or InProcessTransport) delivers each SyncEnvelope to
 * the `@EventPattern(kind)` handler and acks only after the handler's promise resolved.
 */
export * from './events.js';
export { DEFAULT_SYNC_STREAM, SYNC_EVENT_BUS } from './constants.js';
export type { SyncConsumerOptions, SyncTransportStatus } from './sync-transport.types.js';
export { SyncTransportServer } from './sync-transport.base.js';
export { SyncEventContext } from './sync-event.context.js';
export { RedisStreamsTransport, type RedisStreamsTransportOptions } from './redis-streams.transport.js';
export { InProcessEventBus, IN_PROCESS_LOG_LIMIT } from './in-process-event-bus.js';
export { InProcessTransport, type InProcessTransportOptions } from './in-process.transport.js';
export type { SyncPublisher } from './sync-publisher.js';
export { groupsWithoutConsumersKeyOf, type ConsumerGroupState } from './consumer-groups.js';
export { RedisStreamPublisher, ForeignStreamEntryError, type RedisStreamPublisherOptions } from './redis-stream.publisher.js';
export { RejectedEvent, type DeadLetterReason } from './rejected-event.js';
export { parseEnvelope } from './envelope-schema.js';
export { signEvent, verifyEvent, readEventUnverified, EVENT_TOKEN_TYP, EVENT_TOKEN_ALG, type EventSigningKey } from './event-token.js';
export { envelopeFromFields, deadLetterStreamOf } from './stream-entry.js';
export { checkRedisConnection } from './redis-connection-check.js';
export { parseRedisUrl, redactRedisUrl, redisUrlProblem, RedisUrlError, type RedisEndpoint, type RedisNodeAddress } from './redis-endpoint.js';
export { createRedisClient, type RedisClient, type RedisClientOptions } from './redis-client.js';
export { InProcessPublisher } from './in-process.publisher.js';
export { fetchRegistrySnapshot, type SnapshotSource } from './fetch-registry-snapshot.js';
