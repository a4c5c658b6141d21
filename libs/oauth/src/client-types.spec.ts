import { describe, expect, it } from '@jest/globals';
import { GRANTS_BY_TYPE, isClientType } from './client-types.js';

describe(isClientType.name, () => {
  it.each(['confidential', 'public'])('accepts %j', (type) => {
    expect(isClientType(type)).toBe(true);
  });

  it.each(['', 'Public', 'native', null, undefined, 1])('rejects %j', (type) => {
    expect(isClientType(type)).toBe(false);
  });
});

describe('GRANTS_BY_TYPE (CONTRACT.md: grants allowed by client type)', () => {
  it('lets confidential clients use the code, client credentials, password, token exchange and device grants, public ones implicit, code and device', () => {
    expect(GRANTS_BY_TYPE).toEqual({
      confidential: ['authorization_code', 'client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:token-exchange', 'urn:ietf:params:oauth:grant-type:device_code'],
      public: ['implicit', 'authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'],
    });
  });
});
