import { KeyObject, sign as cryptoSign, constants, createHmac } from 'node:crypto';
import type { CryptoKey } from 'jose';

/** A JSON value, raw text or raw bytes, as one base64url segment. */
export function b64u(part: unknown): string {
  if (part instanceof Uint8Array) return Buffer.from(part).toString('base64url');
  if (typeof part === 'string') return Buffer.from(part, 'utf8').toString('base64url');
  return Buffer.from(JSON.stringify(part), 'utf8').toString('base64url');
}

/** How to sign the forged signing input. */
export type ForgeSigning =
  | { alg: 'RS256' | 'PS256'; key: CryptoKey | KeyObject }
  | { alg: 'ES256'; key: CryptoKey | KeyObject; der?: boolean }
  | { alg: 'HS256' | 'HS384'; secret: string | Uint8Array }
  | { signature: string };

/**
 * Builds a compact JWS from arbitrary header and payload (objects, raw text or bytes), signed for
 * real, so checks past the signature can be reached with hostile content.
 */
export function forge(header: unknown, payload: unknown, signing: ForgeSigning): string {
  const input = `${b64u(header)}.${b64u(payload)}`;
  if ('signature' in signing) return `${input}.${signing.signature}`;
  if ('secret' in signing) {
    const mac = createHmac(signing.alg === 'HS256' ? 'sha256' : 'sha384', signing.secret)
      .update(input)
      .digest();
    return `${input}.${mac.toString('base64url')}`;
  }
  const key = signing.key instanceof KeyObject ? signing.key : KeyObject.from(signing.key);
  const data = Buffer.from(input);
  let signature: Buffer;
  if (signing.alg === 'RS256') signature = cryptoSign('sha256', data, key);
  else if (signing.alg === 'PS256') {
    signature = cryptoSign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  } else signature = cryptoSign('sha256', data, { key, dsaEncoding: 'der' in signing && signing.der ? 'der' : 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** Standard claims valid at `nowMs` for the test issuer, merged with `extra`. */
export function claimsAt(nowMs: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(nowMs / 1000);
  return { iss: 'https://issuer.test', sub: 'user_1', sid: 'sess_1', iat: now, nbf: now, exp: now + 60, ...extra };
}
