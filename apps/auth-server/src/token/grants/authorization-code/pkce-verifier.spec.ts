import { describe, expect, it } from '@jest/globals';
import { verifierMatchesChallenge } from './pkce-verifier.js';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe(verifierMatchesChallenge.name, () => {
  it('accepts the RFC 7636 Appendix B example', () => {
    expect(verifierMatchesChallenge(VERIFIER, CHALLENGE)).toBe(true);
  });

  it('rejects a different verifier', () => {
    expect(verifierMatchesChallenge(VERIFIER.replace('d', 'e'), CHALLENGE)).toBe(false);
  });

  it('rejects verifiers outside the ABNF even when the hash would be compared', () => {
    expect(verifierMatchesChallenge('a', CHALLENGE)).toBe(false);
    expect(verifierMatchesChallenge('a'.repeat(129), CHALLENGE)).toBe(false);
    expect(verifierMatchesChallenge(`${VERIFIER.slice(0, 42)}+`, CHALLENGE)).toBe(false);
  });

  it('never treats the challenge itself as a verifier (no plain method)', () => {
    expect(verifierMatchesChallenge(CHALLENGE, CHALLENGE)).toBe(false);
  });
});
