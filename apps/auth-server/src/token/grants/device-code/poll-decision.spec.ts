import { describe, expect, it } from '@jest/globals';
import type { DevicePoll } from '../../../device-requests/device-request.js';
import { decidePoll } from './poll-decision.js';

function poll(overrides: Partial<DevicePoll> = {}): DevicePoll {
  return { id: 'r', status: 'pending', expired: false, alreadyConsumed: false, tooFast: false, approval: null, refusal: null, resources: [], ...overrides };
}

describe(decidePoll.name, () => {
  it("is unknown (invalid_grant) when no row matched: unknown code, or another client's", () => {
    expect(decidePoll(null)).toBe('unknown');
  });

  it('keeps a pending device waiting', () => {
    expect(decidePoll(poll())).toBe('authorization_pending');
  });

  it('tells a pending device polling too fast to slow down', () => {
    expect(decidePoll(poll({ tooFast: true }))).toBe('slow_down');
  });

  it('issues once approved, even when polled early (the user is waiting, not the device)', () => {
    expect(decidePoll(poll({ status: 'approved' }))).toBe('issue');
    expect(decidePoll(poll({ status: 'approved', tooFast: true }))).toBe('issue');
  });

  it('answers access_denied once denied', () => {
    expect(decidePoll(poll({ status: 'denied', refusal: 'access_denied' }))).toBe('access_denied');
    expect(decidePoll(poll({ status: 'denied', refusal: 'access_denied', tooFast: true }))).toBe('access_denied');
  });

  it('answers invalid_scope when the approval failed on a privileged scope the device named', () => {
    expect(decidePoll(poll({ status: 'denied', refusal: 'invalid_scope' }))).toBe('invalid_scope');
  });

  it.each(['pending', 'approved', 'denied'] as const)('answers expired_token past expiry, %s or not', (status) => {
    expect(decidePoll(poll({ status, expired: true }))).toBe('expired_token');
    expect(decidePoll(poll({ status, expired: true, tooFast: true }))).toBe('expired_token');
  });

  it('refuses a redeemed code whatever else holds (single use)', () => {
    expect(decidePoll(poll({ status: 'approved', alreadyConsumed: true }))).toBe('already_used');
    expect(decidePoll(poll({ status: 'approved', alreadyConsumed: true, expired: true }))).toBe('already_used');
  });
});
