import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { isClientId } from './client-id.js';

describe(isClientId.name, () => {
  it('accepts generated (base64url) and provisioned (URL-safe) ids of 1 to 128 characters', () => {
    expect(isClientId(randomBytes(16).toString('base64url'))).toBe(true);
    expect(isClientId('resource-server_1.a~b')).toBe(true);
    expect(isClientId('x')).toBe(true);
    expect(isClientId('x'.repeat(128))).toBe(true);
  });

  it.each(['', 'x'.repeat(129), 'a b', 'a+b', 'a/b', 'a=b', 'a:b', 'a%20b', 'a"b', 'a\\b', 'a\u0000b', 'é', 'a\nb'])('rejects %j', (clientId) => {
    expect(isClientId(clientId)).toBe(false);
  });
});
