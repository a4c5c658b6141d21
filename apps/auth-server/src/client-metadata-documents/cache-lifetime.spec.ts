import { describe, expect, it } from '@jest/globals';
import { cacheLifetimeSeconds, DEFAULT_CACHE_SECONDS, MAX_CACHE_SECONDS, MIN_CACHE_SECONDS } from './cache-lifetime.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');

describe('cacheLifetimeSeconds (how long a metadata document is reused)', () => {
  it.each([
    ['max-age', { 'cache-control': 'public, max-age=600' }, 600],
    ['s-maxage before max-age', { 'cache-control': 'max-age=600, s-maxage=900' }, 900],
    ['max-age below the minimum', { 'cache-control': 'max-age=5' }, MIN_CACHE_SECONDS],
    ['max-age above the maximum', { 'cache-control': 'max-age=99999999' }, MAX_CACHE_SECONDS],
    ['no-store (the minimum still holds)', { 'cache-control': 'no-store' }, MIN_CACHE_SECONDS],
    ['no-cache', { 'cache-control': 'no-cache, max-age=600' }, MIN_CACHE_SECONDS],
    ['a broken max-age', { 'cache-control': 'max-age=abc' }, MIN_CACHE_SECONDS],
    ['Expires against Date', { expires: 'Thu, 03 Dec 2026 13:00:00 GMT', date: 'Thu, 03 Dec 2026 12:30:00 GMT' }, 1800],
    ['Expires against now', { expires: 'Thu, 03 Dec 2026 13:00:00 GMT' }, 3600],
    ['Expires in the past', { expires: 'Thu, 03 Dec 2026 11:00:00 GMT' }, MIN_CACHE_SECONDS],
    ['an invalid Expires', { expires: '0' }, MIN_CACHE_SECONDS],
    ['max-age over Expires', { 'cache-control': 'max-age=120', expires: 'Thu, 03 Dec 2026 13:00:00 GMT' }, 120],
    ['no caching header', {}, DEFAULT_CACHE_SECONDS],
  ])('%s', (_, headers, expected) => {
    expect(cacheLifetimeSeconds(headers, NOW)).toBe(expected);
  });
});
