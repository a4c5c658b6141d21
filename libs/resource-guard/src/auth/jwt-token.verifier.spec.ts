import { beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { InvalidToken } from '#oauth';
import { JwtTokenVerifier } from './jwt-token.verifier.js';

const ISSUER = 'https://as.test';

describe('JwtTokenVerifier: the principal of a verified token', () => {
  let key: CryptoKey;
  let verifier: JwtTokenVerifier;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] });
    verifier = new JwtTokenVerifier({ issuer: ISSUER }, jwks);
  });

  function token(claims: JWTPayload): Promise<string> {
    return new SignJWT({ client_id: 'app', scope: 'a', aud: 'https://api.test', jti: `j-${Math.random()}`, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
  }

  it('CC-4: carries gty, so a client_credentials token is told apart from a user token whose sub is the client id', async () => {
    const clientOnly = await verifier.verify(await token({ sub: 'app', gty: 'client_credentials' }));
    const userNamedLikeTheClient = await verifier.verify(await token({ sub: 'app', gty: 'password' }));
    expect(clientOnly).toMatchObject({ sub: 'app', clientId: 'app', grantType: 'client_credentials' });
    expect(userNamedLikeTheClient).toMatchObject({ sub: 'app', clientId: 'app', grantType: 'password' });
  });

  it('leaves the grant type out when the token does not say (RFC 9068 has no such claim)', async () => {
    expect(await verifier.verify(await token({ sub: 'alice' }))).not.toHaveProperty('grantType');
  });

  it('refuses a gty that is not a string', async () => {
    await expect(verifier.verify(await token({ sub: 'alice', gty: ['client_credentials'] }))).rejects.toBeInstanceOf(InvalidToken);
  });
});
