import { describe, expect, it } from '@jest/globals';
import { envoyDescription, forwardedDescription } from './described-request.js';

describe('forwardedDescription (nginx, Traefik)', () => {
  it('takes the method in any case and X-Forwarded-Uri or X-Original-URI', () => {
    expect(forwardedDescription('post', '/billing?x=1', undefined)).toEqual({ method: 'POST', target: '/billing?x=1' });
    expect(forwardedDescription('GET', undefined, '/billing')).toEqual({ method: 'GET', target: '/billing' });
  });

  it.each([
    [undefined, '/a', undefined],
    [['GET', 'POST'], '/a', undefined],
    ['GET', ['/a', '/b'], undefined],
    ['GET', '/a', '/b'],
    ['GET', undefined, undefined],
    ['G ET', '/a', undefined],
  ])('refuses method %j with targets %j / %j', (method, forwarded, original) => {
    expect(() => forwardedDescription(method, forwarded, original)).toThrow();
  });
});

describe('envoyDescription (ext_authz path_prefix /auth/verify)', () => {
  it('takes the original method and what follows the prefix, query included, as sent', () => {
    expect(envoyDescription('DELETE', '/auth/verify/billing/%62?x=1', {})).toEqual({ method: 'DELETE', target: '/billing/%62?x=1' });
    expect(envoyDescription('GET', '/auth/verify/', {})).toEqual({ method: 'GET', target: '/' });
  });

  it('accepts X-Forwarded-* headers that say the same, refuses ones that do not', () => {
    expect(envoyDescription('GET', '/auth/verify/a', { 'x-forwarded-method': 'get', 'x-forwarded-uri': '/a' })).toEqual({ method: 'GET', target: '/a' });
    expect(() => envoyDescription('GET', '/auth/verify/a', { 'x-forwarded-method': 'POST' })).toThrow('X-Forwarded-Method');
    expect(() => envoyDescription('GET', '/auth/verify/a', { 'x-forwarded-uri': '/b' })).toThrow('x-forwarded-uri');
    expect(() => envoyDescription('GET', '/auth/verify/a', { 'x-original-uri': '/b' })).toThrow('x-original-uri');
  });

  it('refuses a path outside the prefix', () => {
    expect(() => envoyDescription('GET', '/auth/verifyx', {})).toThrow();
  });
});
