import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import type { AuthModuleExtras, AuthModuleOptions } from '../index.js';
import { tokenHeaderOf } from './machine-claims.js';
import { refuseInProduction } from './production-refusal.js';

/** Options for `AuthModule.forRoot()`, including `global`. */
type ForRootOptions = AuthModuleOptions & AuthModuleExtras;

/** Algorithms a test issuer can sign with. */
export type TestIssuerAlgorithm = 'RS256' | 'ES256' | 'PS256' | 'EdDSA';

/** Options of {@link createTestIssuer}. */
export interface TestIssuerOptions {
  /** `iss` of the tokens it signs. Default `'https://issuer.test'`. */
  issuer?: string;
  alg?: TestIssuerAlgorithm;
  kid?: string;
  /** Default token lifetime. Default 60 s. */
  expiresInSeconds?: number;
  /**
   * The issuer refuses to be created and to sign when `NODE_ENV` is `production` (an app trusting it
   * lets its holder sign in as anyone). `true` allows it, for a test that must run with
   * `NODE_ENV=production`. Default false.
   */
  allowInProduction?: boolean;
}

/** Options of one signed token. */
export interface SignOptions {
  /** Extra or overriding protected header parameters. */
  header?: Record<string, unknown>;
  /** Lifetime from now; ignored when the claims carry `exp`. */
  expiresInSeconds?: number;
  /** The "now" of `iat`/`nbf`/`exp`, in ms. Default `Date.now()`. */
  now?: number;
}

/** A JWKS served on 127.0.0.1 by {@link TestIssuer.serve}. */
export interface ServedJwks {
  /** `http://127.0.0.1:<port>/.well-known/jwks.json` */
  jwksUrl: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** How many requests the server has answered. */
  readonly requests: number;
  close(): Promise<void>;
}

/** The JWKS of a {@link TestIssuer}, served on 127.0.0.1. */
export interface ServedTestIssuer extends ServedJwks {
  /** Module options that trust the issuer through its served JWKS URL (the remote-JWKS code path). */
  moduleOptions(extra?: ForRootOptions): ForRootOptions;
}

/** A key pair that signs tokens and publishes its public key. */
export interface TestIssuer {
  readonly issuer: string;
  readonly alg: TestIssuerAlgorithm;
  readonly kid: string;
  /** The public key as a JWK (with `kid`, `alg`, `use: 'sig'`). */
  readonly publicJwk: JWK;
  /** `{ keys: [publicJwk] }` */
  readonly jwks: JSONWebKeySet;
  /** The public key as SPKI PEM, for the `jwtKey` option. */
  readonly publicKeyPem: string;
  readonly privateKey: CryptoKey;
  /**
   * Signs claims; `sub`, `iat`, `nbf`, `exp` and `iss` are filled in unless given. The header is
   * `{ alg, kid, typ: 'JWT' }`, then what the claims carry (`clerkM2MClaims()`, `withTokenHeader()`),
   * then `options.header`.
   */
  sign(claims?: JWTPayload & Record<string, unknown>, options?: SignOptions): Promise<string>;
  /** `{ authorization: 'Bearer <token>' }` for the claims: supertest's `.set()`, a WebSocket handshake. */
  headers(claims?: JWTPayload & Record<string, unknown>, options?: SignOptions): Promise<{ authorization: string }>;
  /** Module options that trust this issuer with a local JWKS (no network). */
  moduleOptions(extra?: ForRootOptions): ForRootOptions;
  /** Serves the JWKS on 127.0.0.1 (port 0) and counts requests; `moduleOptions()` of the result use its URL. */
  serve(): Promise<ServedTestIssuer>;
}

/**
 * Creates a signing issuer for tests and local development.
 *
 * @example
 * const issuer = await createTestIssuer();
 * AuthModule.forRoot(issuer.moduleOptions({ global: true }));
 * const token = await issuer.sign({ sub: 'user_1', sid: 'sess_1' });
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const guard = () => refuseInProduction(options.allowInProduction, 'createTestIssuer()');
  guard();
  const alg = options.alg ?? 'RS256';
  const kid = options.kid ?? `test-${alg.toLowerCase()}-${Math.random().toString(36).slice(2, 10)}`;
  const issuer = options.issuer ?? 'https://issuer.test';
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const publicKeyPem = await exportSPKI(publicKey);
  const lifetime = options.expiresInSeconds ?? 60;

  const testIssuer: TestIssuer = {
    issuer,
    alg,
    kid,
    publicJwk,
    jwks: { keys: [publicJwk] },
    publicKeyPem,
    privateKey,
    async sign(claims = {}, signOptions = {}) {
      guard();
      const now = Math.floor((signOptions.now ?? Date.now()) / 1000);
      const payload: JWTPayload = {
        iss: issuer,
        sub: 'user_test',
        iat: now,
        nbf: now,
        exp: now + (signOptions.expiresInSeconds ?? lifetime),
        ...claims,
      };
      for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
      return new SignJWT(payload).setProtectedHeader({ alg, kid, typ: 'JWT', ...tokenHeaderOf(claims), ...signOptions.header }).sign(privateKey);
    },
    async headers(claims, signOptions) {
      return { authorization: `Bearer ${await testIssuer.sign(claims, signOptions)}` };
    },
    moduleOptions(extra = {}) {
      return { jwks: { keys: [publicJwk] }, issuer, ...extra };
    },
    async serve() {
      const served = await serveJwks({ keys: [publicJwk] });
      return Object.assign(served, {
        moduleOptions: (extra: ForRootOptions = {}): ForRootOptions => ({ jwksUrl: served.jwksUrl, issuer, ...extra }),
      });
    },
  };
  return testIssuer;
}

/** Serves a fixed JWKS on 127.0.0.1 at `/.well-known/jwks.json`. */
export async function serveJwks(jwks: JSONWebKeySet): Promise<ServedJwks> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    jwksUrl: `${origin}/.well-known/jwks.json`,
    origin,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
