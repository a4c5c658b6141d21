export { boundKeyThumbprint, DpopBinding, type ProofContext } from '#dpop';

/** The resource server's store of used DPoP proof ids (RedisReplayStore with a Redis, else MemoryReplayStore). */
export const DPOP_REPLAY_STORE = Symbol('DPOP_REPLAY_STORE');
