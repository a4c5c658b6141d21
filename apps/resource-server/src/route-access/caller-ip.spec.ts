import { describe, expect, it } from '@jest/globals';
import { forwardedCallerIp } from './caller-ip.js';

describe('forwardedCallerIp', () => {
  it('takes X-Real-IP first', () => {
    expect(forwardedCallerIp({ 'x-real-ip': ' 203.0.113.7 ', 'x-forwarded-for': '198.51.100.1' }, '10.0.0.1')).toBe('203.0.113.7');
  });

  it('takes the last X-Forwarded-For entry, the one the proxy appended, not a forged first one', () => {
    expect(forwardedCallerIp({ 'x-forwarded-for': '1.2.3.4, 203.0.113.7' }, '10.0.0.1')).toBe('203.0.113.7');
    expect(forwardedCallerIp({ 'x-forwarded-for': ['1.2.3.4', '203.0.113.8'] }, '10.0.0.1')).toBe('203.0.113.8');
  });

  it("falls back to the proxy's own address", () => {
    expect(forwardedCallerIp({}, '10.0.0.1')).toBe('10.0.0.1');
    expect(forwardedCallerIp({ 'x-forwarded-for': ' ' }, '10.0.0.1')).toBe('10.0.0.1');
  });
});
