/**
 * scrypt runs on libuv's thread pool (4 threads by default), which also serves file and DNS work
 * and the token signatures' fallback (tokens/es256-signing-thread.ts). A burst of logins may hold
 * at most half of the pool, so that none of that queues behind tens of milliseconds of password
 * hashing; the other logins wait their turn (users/password-hasher.ts), which costs them nothing
 * on a 2-core machine that is busy hashing anyway. At most PASSWORD_HASH_QUEUE_LIMIT wait; more
 * are refused with ServerBusy (503 with Retry-After). Process-wide, like the pool it protects.
 * Here, not in users/, because the configuration's default derives from it.
 */
export const HASHING_SLOTS = 2;
/** 16 times the slots: at tens of milliseconds per hash, under about a second of waiting. */
export const DEFAULT_PASSWORD_HASH_QUEUE_LIMIT = 16 * HASHING_SLOTS;

/**
 * log2 of scrypt's work N·p: 2^15 is four lanes of N = 2^13, r = 8 (8 MiB, ~50-100 ms a hash;
 * users/password-hasher.ts). OWASP's minimum is more work (2^17 with p = 1, or 2^13 with p = 10):
 * raise PASSWORD_HASH_COST where logins are few or cores many.
 */
export const DEFAULT_PASSWORD_HASH_COST = 15;
