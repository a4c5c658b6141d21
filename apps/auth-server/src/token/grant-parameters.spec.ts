import { describe, expect, it } from '@jest/globals';
import { InvalidRequest } from '#oauth';
import { GrantParameters } from './grant-parameters.js';

describe(GrantParameters.name, () => {
  const parameters = new GrantParameters(['username', 'password'], ['scope']);

  it('keeps the declared parameters and ignores the others', () => {
    expect(parameters.parse({ grant_type: 'password', client_id: 'c', username: 'u', password: 'p', scope: 'read', extra: 'x' })).toEqual({
      username: 'u',
      password: 'p',
      scope: 'read',
    });
  });

  it('leaves an optional parameter out when it was not sent', () => {
    expect(parameters.parse({ username: 'u', password: 'p' })).toEqual({ username: 'u', password: 'p' });
  });

  it('names the first required parameter missing, in declaration order', () => {
    expect(() => parameters.parse({})).toThrow(new InvalidRequest('the parameter username is missing'));
    expect(() => parameters.parse({ username: 'u' })).toThrow(new InvalidRequest('the parameter password is missing'));
  });
});
