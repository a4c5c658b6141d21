import { describe, expect, it } from '@jest/globals';
import { assertNotCrossSite } from './cross-site-request.js';

const OWN = 'http://localhost:3000';

function outcome(method: string, headers: Record<string, string>): number | 'ok' {
  try {
    assertNotCrossSite(method, headers, OWN);
    return 'ok';
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('assertNotCrossSite: the admin API refuses what a foreign page can send', () => {
  it.each([
    ['a JSON mutation from a script or curl', 'POST', { 'content-type': 'application/json' }],
    ['a JSON mutation with a charset', 'PATCH', { 'content-type': 'application/json; charset=utf-8' }],
    ['a merge-patch+json body', 'PATCH', { 'content-type': 'application/merge-patch+json' }],
    ['a mutation without a body', 'DELETE', {}],
    ['the console on this origin', 'PUT', { origin: OWN, 'sec-fetch-site': 'same-origin' }],
    ['a read with a form content type', 'GET', { 'content-type': 'text/plain', origin: 'https://evil.example' }],
  ])('lets %s through', (_, method, headers) => {
    expect(outcome(method, headers)).toBe('ok');
  });

  it.each([
    ['an HTML form post (urlencoded)', 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['a multipart form post', 'POST', { 'content-type': 'multipart/form-data; boundary=x' }, 415],
    ['a no-cors text/plain fetch', 'POST', { 'content-type': 'text/plain;charset=UTF-8' }, 415],
    ['a look-alike JSON type', 'POST', { 'content-type': 'text/json' }, 415],
    ['a foreign Origin, even with JSON', 'POST', { 'content-type': 'application/json', origin: 'https://evil.example' }, 403],
    ['a sandboxed frame (Origin null)', 'DELETE', { origin: 'null' }, 403],
    ['a cross-site fetch with no body (keys/rotate)', 'POST', { 'sec-fetch-site': 'cross-site' }, 403],
    ['a sibling subdomain', 'POST', { 'sec-fetch-site': 'same-site' }, 403],
  ])('refuses %s', (_, method, headers, status) => {
    expect(outcome(method, headers)).toBe(status);
  });
});
