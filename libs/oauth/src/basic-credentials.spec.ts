import { describe, expect, it } from '@jest/globals';
import { basicAuthorizationOf, isBasicAuthorization, parseBasicAuthorization } from './basic-credentials.js';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
const client = { formEncoded: true };

describe('parseBasicAuthorization', () => {
  it('reads the user name and password, the scheme in any case, split at the first colon', () => {
    expect(parseBasicAuthorization(basic('admin:pa:ss'))).toEqual({ username: 'admin', password: 'pa:ss' });
    expect(parseBasicAuthorization(basic('a:b').replace('Basic', 'bAsIc'))).toEqual({ username: 'a', password: 'b' });
  });

  it('form-decodes both halves for OAuth client authentication (RFC 6749 §2.3.1, appendix B)', () => {
    expect(parseBasicAuthorization(basic('my+app:p%40ss%3Aw+rd'), client)).toEqual({ username: 'my app', password: 'p@ss:w rd' });
    expect(parseBasicAuthorization(basic('AbC-_09:Zz-_x'), client)).toEqual({ username: 'AbC-_09', password: 'Zz-_x' });
  });

  it('leaves the halves alone without form decoding (admin Basic)', () => {
    expect(parseBasicAuthorization(basic('a+b:%41'))).toEqual({ username: 'a+b', password: '%41' });
    expect(parseBasicAuthorization(basic('admin:tab\there'))).toEqual({ username: 'admin', password: 'tab\there' });
  });

  it.each([
    ['no header', undefined],
    ['two headers', ['Basic YTpi', 'Basic YTpi']],
    ['another scheme', 'Bearer abc'],
    ['no credentials', 'Basic'],
    ['not base64', 'Basic @@@@'],
    ['truncated base64', 'Basic YTpiY'],
    ['no ":"', basic('client-only')],
    ['an empty id', basic(':secret')],
    ['an empty secret', basic('client:')],
    ['not UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`],
    ['a huge header', basic(`client:${'x'.repeat(5000)}`)],
  ])('refuses %s', (_, header) => {
    expect(parseBasicAuthorization(header as string | undefined)).toBeNull();
    expect(parseBasicAuthorization(header as string | undefined, client)).toBeNull();
  });

  it.each([
    ['a bad %-escape', basic('client:%zz')],
    ['a truncated %-escape', basic('client:%E0%A4%A')],
    ['a control character', basic('client:se\ncret')],
    ['an escaped control character', basic('client:se%0Acret')],
  ])('refuses %s in client credentials', (_, header) => {
    expect(parseBasicAuthorization(header, client)).toBeNull();
  });

  it('tells a Basic header from others', () => {
    expect(isBasicAuthorization('basic YTpi')).toBe(true);
    expect(isBasicAuthorization('Basic')).toBe(true);
    expect(isBasicAuthorization('Bearer x')).toBe(false);
    expect(isBasicAuthorization('Basically x')).toBe(false);
    expect(isBasicAuthorization(undefined)).toBe(false);
  });

  it('writes what it reads', () => {
    const header = basicAuthorizationOf('my app', 'p@ss:w rd+');
    expect(parseBasicAuthorization(header, client)).toEqual({ username: 'my app', password: 'p@ss:w rd+' });
  });
});
