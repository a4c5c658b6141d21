/**
 * Why a stream entry was refused rather than applied. Every one of these goes to the dead-letter
 * stream: retrying cannot help, and leaving it unacked would block every later event.
 */
export type DeadLetterReason =
  /** Not a JWS, not JSON, or no envelope field at all. */
  | 'malformed'
  /** A plain JSON envelope, or a JWS with `alg: none` or another algorithm we never sign with. */
  | 'unsigned'
  /** A JWS whose signature does not verify with the key its kid names, or whose typ is wrong. */
  | 'bad-signature'
  /** Signed by a key (or an issuer) this installation does not know: another installation's event. */
  | 'foreign'
  /** Signed and ours, but not an envelope this version understands. */
  | 'schema'
  /** A seq jump the auth server's snapshot does not confirm. */
  | 'unconfirmed-seq';

/** Thrown while reading an entry that must be dead-lettered, never retried. */
export class RejectedEvent extends Error {
  constructor(
    readonly reason: DeadLetterReason,
    message: string,
    /** 'foreign' because no key of the JWKS has the event's kid (not because of its issuer). */
    readonly unknownKey = false,
  ) {
    super(message);
    this.name = 'RejectedEvent';
  }
}
