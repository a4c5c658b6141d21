import { Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { KeyStore } from '../keys/key-store.js';

/** A nonce is good for the window it was made in and the next one: 5 to 10 minutes. */
const WINDOW_SECONDS = 300;
const PURPOSE = 'portcullis dpop nonce';
const MAC_BYTES = 16;

/**
 * Server nonces of RFC 9449 §8, stateless: `<window>.<kid>.<mac>`, the MAC keyed by a secret every
 * instance derives from the named signing key, so a nonce made by one instance is current at all of
 * them, with nothing stored or shared besides the keys they already share.
 */
@Injectable()
export class DpopNonces {
  constructor(private readonly keys: KeyStore) {}

  current(nowMs = Date.now()): string {
    const derived = this.keys.derivedSecret(PURPOSE);
    if (!derived) throw new Error('no signing key to derive DPoP nonces from');
    const window = Math.floor(nowMs / 1000 / WINDOW_SECONDS).toString(36);
    return `${window}.${derived.kid}.${mac(derived.secret, window, derived.kid).toString('base64url')}`;
  }

  isCurrent(nonce: string, nowMs = Date.now()): boolean {
    const [window, kid, presented, ...rest] = nonce.split('.');
    if (rest.length > 0 || !window || !kid || !presented || !/^[0-9a-z]{1,12}$/.test(window)) return false;
    const age = Math.floor(nowMs / 1000 / WINDOW_SECONDS) - parseInt(window, 36);
    if (age < 0 || age > 1) return false;
    const derived = this.keys.derivedSecret(PURPOSE, kid);
    if (!derived) return false;
    const expected = mac(derived.secret, window, kid);
    const given = Buffer.from(presented, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

function mac(secret: Buffer, window: string, kid: string): Buffer {
  return createHmac('sha256', secret).update(window).update('.').update(kid).digest().subarray(0, MAC_BYTES);
}
