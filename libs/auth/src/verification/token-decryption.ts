import { compactDecrypt, decodeProtectedHeader, type CompactJWEHeaderParameters } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { DecryptionKey, ResolvedDecryption } from '../config/decryption-options.js';

/** A compact JWE: five base64url parts, the second (the encrypted key) empty for `dir` and `ECDH-ES`. */
export const COMPACT_JWE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Keys tried for a token whose header names no `kid`: the app's own few keys, never more. */
const MAX_CANDIDATES = 8;

function failed(message: string): AuthError {
  return new AuthError(AuthErrorReason.TokenDecryptionFailed, message);
}

/**
 * Opens encrypted tokens (nested JWTs, RFC 7519 section 5.2) with the app's keys: the `alg` and `enc`
 * of the JWE header must be pinned ones, the key is the one its `kid` names (key rotation), else each
 * key that fits `alg`; what comes out must be a compact JWS (the issuer's signed token), which is then
 * verified exactly like a token sent as it is. jose does the decryption (no compression: jose refuses
 * `zip`). Framework-free.
 *
 * @example
 * const decrypter = new TokenDecrypter(resolveDecryption({ jwks }));
 * const signed = await decrypter.decrypt(jwe); // a compact JWS, or throws AuthError
 */
export class TokenDecrypter {
  constructor(readonly settings: ResolvedDecryption) {}

  /** Whether an unencrypted token is refused. */
  get required(): boolean {
    return this.settings.required;
  }

  /** The signed token inside `jwe`. Throws {@link AuthError} `token-decryption-failed`. */
  async decrypt(jwe: string): Promise<string> {
    let header: CompactJWEHeaderParameters;
    try {
      header = decodeProtectedHeader(jwe) as CompactJWEHeaderParameters;
    } catch {
      throw failed('the token header is not a JSON object');
    }
    const { alg, enc, kid, cty } = header;
    // Stryker disable next-line ConditionalExpression: the lists hold strings only, and includes() of anything else is false (the list test's mutants are killed).
    if (typeof alg !== 'string' || !this.settings.algorithms.includes(alg)) throw failed('the token key-management algorithm is not allowed');
    // Stryker disable next-line ConditionalExpression: as for alg above.
    if (typeof enc !== 'string' || !this.settings.encryptionAlgorithms.includes(enc)) throw failed('the token content-encryption algorithm is not allowed');
    if (cty !== undefined && (typeof cty !== 'string' || cty.toUpperCase() !== 'JWT')) throw failed('the encrypted content is not a JWT');
    if (kid !== undefined && typeof kid !== 'string') throw failed('the token kid is not a string');
    const candidates = this.settings.keys.filter((key) => key.algorithms.includes(alg) && (kid === undefined || key.kid === undefined || key.kid === kid));
    if (candidates.length === 0) throw failed('no decryption key matches the token');
    for (const candidate of candidates.slice(0, MAX_CANDIDATES)) {
      const plaintext = await this.open(jwe, candidate);
      if (plaintext === undefined) continue;
      // Stryker disable next-line ObjectLiteral: fatal is false by default; it is written out because true would turn bytes that are not UTF-8 into a crash (that mutant is killed).
      const inner = new TextDecoder('utf-8', { fatal: false }).decode(plaintext);
      if (!COMPACT_JWS.test(inner)) throw failed('the encrypted content is not a signed JWT');
      return inner;
    }
    throw failed('no decryption key opens the token');
  }

  private async open(jwe: string, candidate: DecryptionKey): Promise<Uint8Array | undefined> {
    // Stryker disable ObjectLiteral,BlockStatement: jose's allow-lists repeat the alg and enc checks made on the header above; without the catch's return the method returns undefined just the same (a comment cannot sit on the catch's line; the try block's mutant is killed).
    try {
      const { plaintext } = await compactDecrypt(jwe, candidate.key, {
        keyManagementAlgorithms: [...this.settings.algorithms],
        contentEncryptionAlgorithms: [...this.settings.encryptionAlgorithms],
      });
      return plaintext;
    } catch {
      return undefined;
    }
    // Stryker restore ObjectLiteral,BlockStatement
  }
}
