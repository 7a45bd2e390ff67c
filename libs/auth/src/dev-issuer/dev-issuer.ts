import { randomBytes } from 'node:crypto';
import { generateKeyPair, exportJWK, calculateJwkThumbprint, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { loadOrCreateDevIssuerKey } from './dev-issuer-key.js';

/** Longest lifetime a dev token may ask for. */
export const MAX_DEV_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
const RESERVED = new Set(['iss', 'iat', 'nbf', 'exp', 'expiresInSeconds']);
const NON_EMPTY_STRINGS = ['sub', 'sid', 'org_id', 'org_role', 'azp'];

/** Claims of a dev token: any claim, plus `expiresInSeconds` (default 600). `iss`, `iat`, `nbf`, `exp` are set by the issuer. */
export type DevTokenRequest = Record<string, unknown> & { expiresInSeconds?: number };

/** The request for a dev token was malformed (HTTP 400); the message says what to fix. */
export class DevTokenRequestError extends Error {
  override readonly name = 'DevTokenRequestError';
}

/** Options of {@link DevIssuer.open}. */
export interface DevIssuerOptions {
  /** `iss` of the tokens, e.g. `http://127.0.0.1:4000`. */
  issuer: string;
  /** Key file to load or create (mode 0600); `false`: a key in memory only, new at every start. */
  keyFile: string | false;
  /** `sub` when a request names none. Default `'user_123'`. */
  defaultSubject?: string;
  /** `azp` when a request names none (Clerk puts the app's origin there). Default: none. */
  defaultAuthorizedParty?: string;
}

/**
 * A development issuer: signs session tokens (RS256) and publishes its public key. Never for
 * production: whoever can ask it for a token can sign in as anyone. Framework-free; the
 * `nestjs-warden dev-issuer` command serves it over HTTP.
 *
 * @example
 * const issuer = await DevIssuer.open({ issuer: 'http://127.0.0.1:4000', keyFile: '.nestjs-warden/dev-issuer-key.json' });
 * const token = await issuer.mint({ sub: 'user_1', org_id: 'org_1' });
 */
export class DevIssuer {
  private constructor(
    readonly issuer: string,
    readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    private readonly defaults: Pick<DevIssuerOptions, 'defaultSubject' | 'defaultAuthorizedParty'>,
  ) {}

  /** Loads (or makes) the key and returns the issuer. */
  static async open(options: DevIssuerOptions): Promise<DevIssuer> {
    if (options.keyFile === false) {
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const { kty, n, e } = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint({ kty, n, e });
      return new DevIssuer(options.issuer, kid, privateKey, { kty, n, e, kid, alg: 'RS256', use: 'sig' }, options);
    }
    const key = await loadOrCreateDevIssuerKey(options.keyFile);
    return new DevIssuer(options.issuer, key.kid, key.privateKey, key.publicJwk, options);
  }

  /** `{ keys: [publicJwk] }`: what `/.well-known/jwks.json` serves. */
  get jwks(): JSONWebKeySet {
    return { keys: [{ ...this.publicJwk }] };
  }

  /**
   * Signs a session token. Defaults: `sub` (`user_123`), a random `sid`, 600 s. Throws
   * {@link DevTokenRequestError} for a request that is not an object of claims or asks for a bad lifetime.
   */
  async mint(request: unknown = {}): Promise<string> {
    const input = request ?? {};
    if (typeof input !== 'object' || Array.isArray(input)) throw new DevTokenRequestError('the body must be a JSON object of claims');
    const { expiresInSeconds: lifetime = 600 } = input as DevTokenRequest;
    if (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_DEV_TOKEN_LIFETIME_SECONDS) {
      throw new DevTokenRequestError(`expiresInSeconds must be an integer from 1 to ${MAX_DEV_TOKEN_LIFETIME_SECONDS}`);
    }
    const claims: Record<string, unknown> = {
      sub: this.defaults.defaultSubject ?? 'user_123',
      sid: `sess_${randomBytes(8).toString('hex')}`,
      ...(this.defaults.defaultAuthorizedParty ? { azp: this.defaults.defaultAuthorizedParty } : {}),
    };
    for (const [name, value] of Object.entries(input)) {
      if (!RESERVED.has(name)) claims[name] = value;
    }
    for (const name of NON_EMPTY_STRINGS) {
      const value = claims[name];
      if (value !== undefined && (typeof value !== 'string' || value === '')) throw new DevTokenRequestError(`${name} must be a non-empty string`);
    }
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + lifetime)
      .sign(this.privateKey);
  }
}
