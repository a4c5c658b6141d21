import type { DevicePoll } from '../../../device-requests/device-request.js';

/**
 * What a poll answers (RFC 8628 §3.5), from what the poll's statement saw. `issue` when the code
 * is approved, unexpired and unspent: the grant's statement spends it, or finds it spent by a
 * concurrent poll; a code unknown to the client, or already redeemed, is invalid_grant.
 */
export type PollDecision = 'issue' | 'authorization_pending' | 'slow_down' | 'access_denied' | 'invalid_scope' | 'expired_token' | 'unknown' | 'already_used';

export function decidePoll(poll: DevicePoll | null): PollDecision {
  if (!poll) return 'unknown';
  if (poll.alreadyConsumed) return 'already_used';
  if (poll.expired) return 'expired_token';
  // A privileged scope the device named and the user may not grant: invalid_scope, as in the code flow.
  if (poll.status === 'denied') return poll.refusal === 'invalid_scope' ? 'invalid_scope' : 'access_denied';
  if (poll.status === 'approved') return 'issue';
  return poll.tooFast ? 'slow_down' : 'authorization_pending';
}
