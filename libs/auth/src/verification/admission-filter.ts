/** Characters of a token's end that make up its fingerprint: the end of the signature, 96 bits. */
const FINGERPRINT_CHARS = 16;

/**
 * Remembers, in a fixed table of 32-bit fingerprints, which verified tokens were seen lately. The
 * verified-token cache admits a token on its second verification only, so a token used once (a
 * client that signs a new token per call, a flood of distinct valid tokens) costs neither an entry
 * nor the eviction of a hot one.
 *
 * A fingerprint is the token's length and its last 16 characters (the end of the signature, which
 * differs between any two tokens of a key). Two tokens may still share a slot: then one is admitted
 * a verification early, or, its mark taken by the other, a verification late. Never more: which
 * tokens are accepted never depends on this table, only which ones are stored.
 *
 * @example
 * const seen = new AdmissionFilter(10_000);
 * seen.sight(token); // false: first seen now (after a successful verification)
 * seen.sight(token); // true
 * seen.has(token);   // true
 */
export class AdmissionFilter {
  private readonly slots: Uint32Array;
  private readonly mask: number;

  /** `capacity`: about how many tokens the cache holds; the table has 4 to 8 slots per token (1 KiB to 4 MiB). */
  constructor(capacity: number) {
    const wanted = Math.min(Math.max(capacity * 4, 256), 1 << 20);
    const size = 2 ** Math.ceil(Math.log2(wanted));
    this.slots = new Uint32Array(size);
    this.mask = size - 1;
  }

  /** Whether a token with this fingerprint was remembered (and not pushed out since). */
  has(token: string): boolean {
    const print = fingerprint(token);
    return this.slots[print & this.mask] === print;
  }

  /**
   * Remembers the token, taking its slot from whichever token held it, and says whether it was
   * remembered already: {@link has} and the write on one fingerprint.
   */
  sight(token: string): boolean {
    const print = fingerprint(token);
    const slot = print & this.mask;
    const seen = this.slots[slot] === print;
    this.slots[slot] = print;
    return seen;
  }
}

/** FNV-1a over the length and the last characters; never 0, so an empty slot matches nothing. */
function fingerprint(token: string): number {
  let hash = Math.imul(0x811c9dc5 ^ token.length, 0x01000193);
  // Stryker disable next-line EqualityOperator: one step past the end mixes NaN (as 0) into every fingerprint alike: another hash of the same input, and fingerprints are only compared with each other
  for (let i = Math.max(0, token.length - FINGERPRINT_CHARS); i < token.length; i += 1) {
    hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0 || 1;
}
