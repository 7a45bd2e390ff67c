import { createHash, X509Certificate } from 'node:crypto';

/** Longest header value read as a certificate (a PEM chain of a few certificates, URL-encoded). */
const MAX_HEADER_LENGTH = 16384;

/**
 * The RFC 8705 `x5t#S256` of a certificate: the base64url SHA-256 of its DER encoding, what an
 * mTLS-bound token's `cnf["x5t#S256"]` must be.
 *
 * @example
 * certificateThumbprint(tlsSocket.getPeerCertificate().raw)
 */
export function certificateThumbprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('base64url');
}

/**
 * The DER bytes of the client certificate a TLS-terminating proxy put in a header: PEM, URL-encoded
 * (nginx `$ssl_client_escaped_cert`, AWS ALB) or not (newlines possibly replaced by spaces), or base64
 * DER. With a chain, the first certificate (the client's). Undefined when the value is none of these;
 * the certificate is parsed (Node's X.509 parser), never trusted for anything but its thumbprint.
 *
 * @example
 * certificateFromHeader(req.headers['x-client-cert'])
 */
export function certificateFromHeader(value: string | string[] | undefined): Uint8Array | undefined {
  if (Array.isArray(value)) return value.length === 1 ? certificateFromHeader(value[0]) : undefined;
  // Stryker disable next-line ConditionalExpression,StringLiteral: an empty value fails the base64 pattern below anyway (the typeof and length tests' mutants are killed).
  if (typeof value !== 'string' || value === '' || value.length > MAX_HEADER_LENGTH) return undefined;
  let text = value.trim();
  // Stryker disable next-line ConditionalExpression,StringLiteral: decodeURIComponent leaves a text without '%' as it is, so decoding always changes nothing.
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return undefined;
    }
  }
  const pem = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/.exec(text);
  // Stryker disable next-line Regex: removing whitespace one character or one run at a time gives the same text.
  const base64 = pem ? pem[1].replace(/\s+/g, '') : text;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  // Stryker disable BlockStatement: (the catch block) without its return the function ends and returns undefined just the same (a comment cannot sit on the catch's line; the try block's mutant is killed).
  try {
    return new X509Certificate(Buffer.from(base64, 'base64')).raw;
  } catch {
    return undefined;
  }
  // Stryker restore BlockStatement
}
