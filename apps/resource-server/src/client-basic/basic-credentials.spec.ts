import { describe, expect, it } from '@jest/globals';
import { basicAuthorizationOf, isBasicAuthorization, parseBasicCredentials } from './basic-credentials.js';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('parseBasicCredentials', () => {
  it('reads the client id and secret, the scheme in any case', () => {
    expect(parseBasicCredentials(basic('billing-app:s3cret'))).toEqual({ clientId: 'billing-app', secret: 's3cret' });
    expect(parseBasicCredentials(basic('a:b').replace('Basic', 'bAsIc'))).toEqual({ clientId: 'a', secret: 'b' });
  });

  it('form-decodes each half (RFC 6749 §2.3.1, appendix B) and keeps a ":" inside the secret', () => {
    expect(parseBasicCredentials(basic('my+app:p%40ss%3Aw+rd'))).toEqual({ clientId: 'my app', secret: 'p@ss:w rd' });
    expect(parseBasicCredentials(basic('app:a:b'))).toEqual({ clientId: 'app', secret: 'a:b' });
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
    ['a bad %-escape', basic('client:%zz')],
    ['a control character', basic('client:se\ncret')],
    ['not UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`],
    ['a huge header', basic(`client:${'x'.repeat(5000)}`)],
  ])('refuses %s', (_, header) => {
    expect(parseBasicCredentials(header as string | undefined)).toBeUndefined();
  });

  it('tells a Basic header from others', () => {
    expect(isBasicAuthorization('basic YTpi')).toBe(true);
    expect(isBasicAuthorization('Basic')).toBe(true);
    expect(isBasicAuthorization('Bearer x')).toBe(false);
    expect(isBasicAuthorization('Basically x')).toBe(false);
    expect(isBasicAuthorization(undefined)).toBe(false);
  });

  it('encodes for the auth server what it decodes', () => {
    const credentials = { clientId: 'my app', secret: 'p@ss:w rd+%' };
    expect(parseBasicCredentials(basicAuthorizationOf(credentials))).toEqual(credentials);
  });
});
