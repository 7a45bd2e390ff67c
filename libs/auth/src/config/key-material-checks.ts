import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { AuthConfigError } from './auth-config-error.js';
import type { AuthModuleOptions } from './auth-options.js';
import { checkKeyUrl } from './option-checks.js';

// Key material in the wrong option is a silent disaster: a public key used as an HMAC `secret`
// lets anyone who holds that (public!) key mint HS256 tokens, and a private key as `jwtKey` works
// (Node derives the public half) while the signing key sits in the verifier's config. Every
// message names the option and the kind of material, never the material.

const PEM_ARMOR = /-----BEGIN [A-Z0-9 ]+-----/;
const PRIVATE_PEM = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
const BASE64_TEXT = /^[A-Za-z0-9+/=_\-\s]+$/;

/** An HMAC secret: at least 32 bytes, and not a key, certificate or JWK meant for another option. */
export function checkSecret(value: unknown): void {
  const bytes = typeof value === 'string' ? Buffer.byteLength(value) : value instanceof Uint8Array ? value.byteLength : -1;
  if (bytes < 0) throw new AuthConfigError('secret', 'expected a string or a Uint8Array');
  if (bytes < 32) throw new AuthConfigError('secret', `must be at least 32 bytes (got ${bytes})`);
  const kind = keyMaterialKind(typeof value === 'string' ? value : Buffer.from(value as Uint8Array));
  if (kind) {
    throw new AuthConfigError(
      'secret',
      `holds ${kind}, not a shared secret: anyone with the matching public key could sign tokens. ` +
        'Use jwtKey for a PEM public key or certificate, jwks for JWKs, jwksUrl for a key set URL',
    );
  }
}

/** `jwtKey`: PEM text holding no private key. Parsing the key itself happens when the key source is built. */
export function checkJwtKey(value: unknown): void {
  if (typeof value !== 'string' || !value.includes('-----BEGIN')) {
    throw new AuthConfigError('jwtKey', 'expected a PEM public key (-----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----)');
  }
  if (PRIVATE_PEM.test(value)) {
    throw new AuthConfigError(
      'jwtKey',
      'holds a private key: give the verifier the public key (BEGIN PUBLIC KEY) or certificate only, and keep the private key with the issuer',
    );
  }
}

/** What kind of key material `value` is, for a message; null for anything else (a real secret). */
function keyMaterialKind(value: string | Buffer): string | null {
  const text = typeof value === 'string' ? value : value.toString('latin1');
  if (PEM_ARMOR.test(text)) return PRIVATE_PEM.test(text) ? 'a PEM private key' : 'PEM key material';
  if (looksLikeJwk(text)) return 'a JWK or JWKS (JSON)';
  const bytes = typeof value === 'string' ? base64Bytes(value) : value;
  return bytes && isDerKeyOrCertificate(bytes) ? 'DER key material or an X.509 certificate' : null;
}

function looksLikeJwk(text: string): boolean {
  const trimmed = text.trim();
  // Stryker disable next-line ConditionalExpression,StringLiteral: only JSON in braces is an object with kty or keys (`in` on null or a primitive throws, caught below); the test spares a parse.
  if (!trimmed.startsWith('{')) return false;
  try {
    // Text in braces parses to an object or throws.
    const parsed = JSON.parse(trimmed) as Record<string, unknown>;
    return 'kty' in parsed || Array.isArray(parsed.keys);
  } catch {
    return false;
  }
}

/** The bytes of bare base64 (an `x5c` entry, a PEM body without its armor); null for other text. */
function base64Bytes(text: string): Buffer | null {
  if (!BASE64_TEXT.test(text)) return null;
  // Node's base64 decoder reads the base64url alphabet too, so one decoder serves both.
  // Stryker disable next-line Regex: removing whitespace one character or one run at a time leaves the same text.
  return Buffer.from(text.replace(/\s+/g, ''), 'base64');
}

function isDerKeyOrCertificate(der: Buffer): boolean {
  // Stryker disable next-line ConditionalExpression: every DER key and certificate is a SEQUENCE (0x30); the parsers below refuse the rest too, this spares them.
  if (der[0] !== 0x30) return false;
  const parsers: Array<() => unknown> = [
    () => new X509Certificate(der),
    () => createPublicKey({ key: der, format: 'der', type: 'spki' }),
    () => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }),
    () => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
  ];
  return parsers.some((parse) => {
    try {
      // Stryker disable BlockStatement: (the catch block) an empty catch answers undefined, as falsy to some() as false
      parse();
      return true;
    } catch {
      return false;
    }
    // Stryker restore BlockStatement
  });
}

const KEY_SOURCES = ['jwksUrl', 'jwks', 'jwtKey', 'secret'] as const;

/**
 * Exactly one key source, of the right kind: `jwksUrl`, `jwks`, `jwtKey` or `secret`, or `issuer`
 * alone as one URL (OIDC discovery). Parsing the keys themselves happens when the key source is built.
 */
export function checkKeySource(options: AuthModuleOptions): void {
  const given = KEY_SOURCES.filter((k) => options[k] !== undefined && options[k] !== null);
  const discovery = given.length === 0 && typeof options.issuer === 'string';
  if (discovery) checkKeyUrl('issuer', options.issuer);
  if (given.length !== 1 && !discovery) {
    throw new AuthConfigError(
      given.length ? given.join(', ') : 'jwksUrl',
      given.length
        ? `set exactly one key source, got ${given.length} (${given.join(', ')})`
        : 'a key source is required: one of jwksUrl, jwks, jwtKey or secret (or issuer alone, as one URL, for OIDC discovery; or issuers for several)',
    );
  }
  if (options.jwksUrl !== undefined) checkKeyUrl('jwksUrl', options.jwksUrl);
  // null is an object too: `jwks: null` beside another source is refused here, naming it.
  if (options.jwks !== undefined && (typeof options.jwks !== 'object' || !Array.isArray(options.jwks?.keys))) {
    throw new AuthConfigError('jwks', 'expected { keys: JWK[] }');
  }
  if (options.jwtKey !== undefined) checkJwtKey(options.jwtKey);
  if (options.secret !== undefined) checkSecret(options.secret);
}
