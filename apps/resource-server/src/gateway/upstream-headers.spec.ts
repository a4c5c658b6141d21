import { describe, expect, it } from '@jest/globals';
import { upstreamHeaders, withoutHopByHop, withoutHopByHopInto } from './upstream-headers.js';

describe('upstreamHeaders', () => {
  const client = { ip: '10.0.0.7', protocol: 'http' as const, host: 'api.example:8443' };

  it('removes Authorization and the X-Auth-* a caller sent, then adds the decision', () => {
    const headers = upstreamHeaders(
      { authorization: 'Bearer t', 'x-auth-subject': 'forged', 'x-auth-scope': 'admin', 'x-auth-roles': 'root', accept: 'application/json' },
      client,
      { 'x-auth-subject': 'alice', 'x-auth-client-id': 'app' },
    );
    expect(headers).toEqual({
      accept: 'application/json',
      'x-auth-subject': 'alice',
      'x-auth-client-id': 'app',
      'x-forwarded-for': '10.0.0.7',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'api.example:8443',
    });
  });

  it('keeps hop-by-hop headers on their hop', () => {
    const headers = upstreamHeaders({ connection: 'keep-alive', 'keep-alive': 'timeout=5', expect: '100-continue', upgrade: 'websocket', te: 'trailers', 'content-length': '3' }, client, {});
    expect(Object.keys(headers).sort()).toEqual(['content-length', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']);
  });

  it('keeps the headers a Connection header names on their hop too, both ways (RFC 9110 §7.6.1)', () => {
    const sent = upstreamHeaders({ connection: 'close, X-Hop-Secret', 'x-hop-secret': 's', accept: '*/*' }, client, {});
    expect(sent['x-hop-secret']).toBeUndefined();
    expect(sent.accept).toBe('*/*');
    expect(withoutHopByHop({ connection: 'x-internal', 'x-internal': '1', 'transfer-encoding': 'chunked', 'content-type': 'text/plain' })).toEqual({ 'content-type': 'text/plain' });
  });

  it('replaces the X-Forwarded-* and Forwarded a caller sent', () => {
    const headers = upstreamHeaders({ 'x-forwarded-for': '1.2.3.4', 'x-forwarded-host': 'evil', forwarded: 'for=1.2.3.4' }, { ...client, host: undefined }, {});
    expect(headers).toEqual({ 'x-forwarded-for': '10.0.0.7', 'x-forwarded-proto': 'http' });
  });

  it("leaves the caller's Host out: it goes on as X-Forwarded-Host", () => {
    expect(upstreamHeaders({ host: 'api.example', accept: '*/*' }, client, {})).toEqual({
      accept: '*/*',
      'x-forwarded-for': '10.0.0.7',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'api.example:8443',
    });
  });

  it("puts an answer's end-to-end headers on top of ours, in the object given", () => {
    const ours: Record<string, unknown> = { 'x-request-id': 'r1', vary: 'Origin' };
    const head = withoutHopByHopInto({ vary: 'Accept', connection: 'keep-alive', 'keep-alive': 'timeout=5', 'content-type': 'application/json' }, ours);
    expect(head).toBe(ours);
    expect(Object.entries(head)).toEqual([
      ['x-request-id', 'r1'],
      ['vary', 'Accept'],
      ['content-type', 'application/json'],
    ]);
  });
});
