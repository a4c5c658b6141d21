import { describe, expect, it } from '@jest/globals';
import type { DevicePoll } from '../../../device-requests/device-request.js';
import { decidePoll } from './poll-decision.js';

const NOW = new Date('2026-12-04T12:00:00Z');
const LATER = new Date(NOW.getTime() + 60_000);

function poll(overrides: Partial<DevicePoll> = {}): DevicePoll {
  return { id: 'r', status: 'pending', expiresAt: LATER, alreadyConsumed: false, tooFast: false, approval: null, refusal: null, resources: [], ...overrides };
}

describe(decidePoll.name, () => {
  it('is unknown (invalid_grant) when no row matched: unknown code, or another client\'s', () => {
    expect(decidePoll(null, NOW)).toBe('unknown');
  });

  it('keeps a pending device waiting', () => {
    expect(decidePoll(poll(), NOW)).toBe('authorization_pending');
  });

  it('tells a pending device polling too fast to slow down', () => {
    expect(decidePoll(poll({ tooFast: true }), NOW)).toBe('slow_down');
  });

  it('issues once approved, even when polled early (the user is waiting, not the device)', () => {
    expect(decidePoll(poll({ status: 'approved' }), NOW)).toBe('issue');
    expect(decidePoll(poll({ status: 'approved', tooFast: true }), NOW)).toBe('issue');
  });

  it('answers access_denied once denied', () => {
    expect(decidePoll(poll({ status: 'denied', refusal: 'access_denied' }), NOW)).toBe('access_denied');
    expect(decidePoll(poll({ status: 'denied', refusal: 'access_denied', tooFast: true }), NOW)).toBe('access_denied');
  });

  it('answers invalid_scope when the approval failed on a privileged scope the device named', () => {
    expect(decidePoll(poll({ status: 'denied', refusal: 'invalid_scope' }), NOW)).toBe('invalid_scope');
  });

  it.each(['pending', 'approved', 'denied'] as const)('answers expired_token past expiry, %s or not', (status) => {
    expect(decidePoll(poll({ status, expiresAt: NOW }), NOW)).toBe('expired_token');
    expect(decidePoll(poll({ status, expiresAt: new Date(NOW.getTime() - 1) }), NOW)).toBe('expired_token');
  });

  it('refuses a redeemed code whatever else holds (single use)', () => {
    expect(decidePoll(poll({ status: 'approved', alreadyConsumed: true }), NOW)).toBe('already_used');
    expect(decidePoll(poll({ status: 'approved', alreadyConsumed: true, expiresAt: NOW }), NOW)).toBe('already_used');
  });
});
