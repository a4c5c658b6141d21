import { describe, expect, it } from '@jest/globals';
import { parseBasicAuthorization } from './basic-credentials.js';

const header = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;

describe('parseBasicAuthorization', () => {
  it('splits at the first colon', () => {
    expect(parseBasicAuthorization(header('admin:pa:ss'))).toEqual({ username: 'admin', password: 'pa:ss' });
  });

  it('form-decodes both halves for OAuth client authentication (RFC 6749 §2.3.1)', () => {
    expect(parseBasicAuthorization(header('my%20client:a+b%2Bc%3A'), true)).toEqual({ username: 'my client', password: 'a b+c:' });
    // Plain base64url ids and secrets come back as they are.
    expect(parseBasicAuthorization(header('AbC-_09:Zz-_x'), true)).toEqual({ username: 'AbC-_09', password: 'Zz-_x' });
  });

  it('leaves the halves alone without form decoding (admin Basic)', () => {
    expect(parseBasicAuthorization(header('a+b:%41'))).toEqual({ username: 'a+b', password: '%41' });
  });

  it('is null for malformed headers and bad percent-encoding', () => {
    expect(parseBasicAuthorization(undefined)).toBeNull();
    expect(parseBasicAuthorization('Bearer abc')).toBeNull();
    expect(parseBasicAuthorization('Basic !!!')).toBeNull();
    expect(parseBasicAuthorization(header('no-colon'))).toBeNull();
    expect(parseBasicAuthorization(header('client:%E0%A4%A'), true)).toBeNull();
  });
});
