import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { calculateJwkThumbprint, CompactEncrypt, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { DecryptionOptions } from '../core/index.js';

/** Algorithms a test DPoP key can sign proofs with. */
export type TestDpopAlgorithm = 'ES256' | 'EdDSA' | 'PS256' | 'RS256';

/** The request one DPoP proof is made for, and what else it says. */
export interface DpopProofInput {
  /** HTTP method, e.g. `'GET'`. */
  method: string;
  /** The absolute URL the client calls (query and fragment are ignored by the server). */
  url: string;
  /** The access token the proof goes with: sets `ath`. */
  accessToken?: string;
  /** A server nonce (`DPoP-Nonce` of an earlier response). */
  nonce?: string;
  /** `iat`, seconds since the epoch. Default now. */
  iat?: number;
  /** Default a random UUID: a proof is used once. */
  jti?: string;
  /** More or overriding claims, e.g. `{ htm: 'PUT' }` to make a proof for another request. */
  claims?: Record<string, unknown>;
  /** More or overriding header parameters. */
  header?: Record<string, unknown>;
}

/** A client's DPoP key pair (RFC 9449): makes proofs, and the `cnf` that binds a token to it. */
export interface TestDpopKey {
  readonly alg: TestDpopAlgorithm;
  readonly publicJwk: JWK;
  readonly privateKey: CryptoKey;
  /** The key's RFC 7638 thumbprint: a bound token's `cnf.jkt`. */
  readonly jkt: string;
  /** `{ jkt }`: sign a token bound to this key with `issuer.sign({ sub, cnf: key.cnf })`. */
  readonly cnf: { jkt: string };
  /** A `DPoP` proof JWT for one request. */
  proof(input: DpopProofInput): Promise<string>;
  /** `{ authorization: 'DPoP <token>', dpop: <fresh proof> }` for supertest's `.set()`. */
  headers(accessToken: string, request: Omit<DpopProofInput, 'accessToken'>): Promise<{ authorization: string; dpop: string }>;
}

/**
 * Creates a client DPoP key for tests: bind tokens to it (`cnf`), and make proofs for requests.
 *
 * @example
 * const key = await createDpopKey();
 * const token = await issuer.sign({ sub: 'user_1', cnf: key.cnf });
 * await request(app).get('/orders').set(await key.headers(token, { method: 'GET', url: `${origin}/orders` })).expect(200);
 */
export async function createDpopKey(options: { alg?: TestDpopAlgorithm } = {}): Promise<TestDpopKey> {
  const alg = options.alg ?? 'ES256';
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const publicJwk = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(publicJwk);
  const key: TestDpopKey = {
    alg,
    publicJwk,
    privateKey,
    jkt,
    cnf: { jkt },
    proof(input) {
      const payload: Record<string, unknown> = {
        jti: input.jti ?? randomUUID(),
        htm: input.method,
        htu: input.url,
        iat: input.iat ?? Math.floor(Date.now() / 1000),
      };
      if (input.accessToken !== undefined) payload.ath = createHash('sha256').update(input.accessToken, 'ascii').digest('base64url');
      if (input.nonce !== undefined) payload.nonce = input.nonce;
      Object.assign(payload, input.claims);
      return new SignJWT(payload).setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: publicJwk, ...input.header }).sign(privateKey);
    },
    async headers(accessToken, request) {
      return { authorization: `DPoP ${accessToken}`, dpop: await key.proof({ ...request, accessToken }) };
    },
  };
  return key;
}

/**
 * The `cnf` claim of a token bound to a client certificate (RFC 8705): `{ 'x5t#S256': <base64url
 * SHA-256 of its DER> }`. Takes the certificate as PEM or DER.
 *
 * @example
 * const token = await issuer.sign({ sub: 'svc', cnf: certificateCnf(clientCertPem) });
 */
export function certificateCnf(certificate: string | Uint8Array): { 'x5t#S256': string } {
  const der = new X509Certificate(typeof certificate === 'string' ? certificate : Buffer.from(certificate)).raw;
  return { 'x5t#S256': createHash('sha256').update(der).digest('base64url') };
}

/** Key-management algorithms a test decryption key can use. */
export type TestDecryptionAlgorithm = 'RSA-OAEP-256' | 'ECDH-ES' | 'ECDH-ES+A256KW';

/** The app's key pair for encrypted tokens (JWE): the issuer encrypts to its public key, the app decrypts. */
export interface TestDecryptionKey {
  readonly kid: string;
  readonly alg: TestDecryptionAlgorithm;
  /** What an issuer encrypts to. */
  readonly publicJwk: JWK;
  /** The app's private key (with `kid`), for `decryption.keys`. */
  readonly privateJwk: JWK;
  /** `{ keys: [privateJwk] }` plus `extra`: the `decryption` option of a module that expects tokens encrypted to this key. */
  decryption(extra?: Omit<DecryptionOptions, 'keys' | 'jwks'>): DecryptionOptions;
  /** Encrypts a signed token to this key: a nested JWT (`cty: 'JWT'`), `enc` A256GCM unless given. */
  encrypt(signedToken: string, options?: { enc?: string; header?: Record<string, unknown> }): Promise<string>;
}

/**
 * Creates an app decryption key for tests of encrypted tokens.
 *
 * @example
 * const key = await createTestDecryptionKey();
 * AuthModule.forRoot(issuer.moduleOptions({ decryption: key.decryption(), global: true }));
 * const token = await key.encrypt(await issuer.sign({ sub: 'user_1' }));
 */
export async function createTestDecryptionKey(options: { alg?: TestDecryptionAlgorithm; kid?: string } = {}): Promise<TestDecryptionKey> {
  const alg = options.alg ?? 'RSA-OAEP-256';
  const kid = options.kid ?? `enc-${randomUUID().slice(0, 8)}`;
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'enc' };
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg, use: 'enc' };
  return {
    kid,
    alg,
    publicJwk,
    privateJwk,
    decryption: (extra = {}) => ({ keys: [privateJwk], ...extra }),
    encrypt: (signedToken, encryption = {}) => encryptToken(signedToken, publicJwk, { alg, enc: encryption.enc, kid, header: encryption.header }),
  };
}

/**
 * Encrypts a signed token to a public key (JWK): a compact JWE whose content is the token (RFC 7519
 * section 5.2), as an issuer that encrypts access tokens sends it.
 *
 * @example
 * const jwe = await encryptToken(await issuer.sign({ sub: 'u' }), appPublicJwk, { alg: 'RSA-OAEP-256' });
 */
export async function encryptToken(
  signedToken: string,
  publicJwk: JWK,
  options: { alg?: string; enc?: string; kid?: string; header?: Record<string, unknown> } = {},
): Promise<string> {
  const alg = options.alg ?? publicJwk.alg ?? 'RSA-OAEP-256';
  const kid = options.kid ?? publicJwk.kid;
  const key = await importJWK({ ...publicJwk, alg }, alg);
  return new CompactEncrypt(new TextEncoder().encode(signedToken))
    .setProtectedHeader({ alg, enc: options.enc ?? 'A256GCM', cty: 'JWT', ...(kid ? { kid } : {}), ...options.header })
    .encrypt(key);
}
