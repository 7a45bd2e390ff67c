import { randomBytes } from 'node:crypto';
import { generateKeyPair, exportJWK, calculateJwkThumbprint, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';
import { CLERK_TOKEN_CATEGORIES } from '../verification/token-class.js';
import { loadOrCreateDevIssuerKey } from './dev-issuer-key.js';

/** Longest lifetime a dev token may ask for. */
export const MAX_DEV_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;
const RESERVED = new Set(['iss', 'iat', 'nbf', 'exp', 'expiresInSeconds', 'tokenType', 'template']);
const NON_EMPTY_STRINGS = ['sub', 'sid', 'org_id', 'org_role', 'azp', 'client_id'];
/** Claims that hold space-separated scopes, as Clerk (`scopes`, M2M) and RFC 9068 (`scope`) write them. */
const SCOPE_STRINGS = ['scope', 'scopes'];

/** The classes of token a dev issuer mints, with Clerk's names (what `auth.tokenType` will say). */
export type DevTokenType = 'session_token' | 'm2m_token' | 'oauth_token';

/**
 * Claims of a dev token: any claim, plus `expiresInSeconds` (default 600), `tokenType` (default
 * `'session_token'`) and `template` (a Clerk JWT-template token, as `getToken({ template })` returns).
 * `iss`, `iat`, `nbf`, `exp` are set by the issuer.
 */
export type DevTokenRequest = Record<string, unknown> & { expiresInSeconds?: number; tokenType?: DevTokenType; template?: string };

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
   * Signs a token, as Clerk would issue it. A session by default: `sub` (`user_123`), a random `sid`,
   * the default `azp`. `tokenType: 'm2m_token'`: a machine token (`sub` `mch_…`, default `mch_dev`; header
   * `cat: cl_B7d4PD333AAA`; its grants in the space-separated `scopes`). `tokenType: 'oauth_token'`: an
   * OAuth access token (header `typ: at+jwt`, `client_id`, space-separated `scope`). `template`: a JWT
   * template token (header `cat: cl_B7d4PD222AAA`), which nestjs-warden routes refuse, as Clerk does.
   * 600 s unless `expiresInSeconds` says otherwise. Throws {@link DevTokenRequestError} for a request
   * that is not an object of claims, asks for a bad lifetime or class, or has a claim of the wrong type.
   */
  async mint(request: unknown = {}): Promise<string> {
    const input = request ?? {};
    if (typeof input !== 'object' || Array.isArray(input)) throw new DevTokenRequestError('the body must be a JSON object of claims');
    const { expiresInSeconds: lifetime = 600, tokenType = 'session_token', template } = input as DevTokenRequest;
    if (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_DEV_TOKEN_LIFETIME_SECONDS) {
      throw new DevTokenRequestError(`expiresInSeconds must be an integer from 1 to ${MAX_DEV_TOKEN_LIFETIME_SECONDS}`);
    }
    const { claims, header } = this.shape(tokenType, template);
    for (const [name, value] of Object.entries(input)) {
      if (!RESERVED.has(name)) claims[name] = value;
    }
    for (const name of NON_EMPTY_STRINGS) {
      const value = claims[name];
      if (value !== undefined && (typeof value !== 'string' || value === '')) throw new DevTokenRequestError(`${name} must be a non-empty string`);
    }
    for (const name of SCOPE_STRINGS) {
      if (claims[name] !== undefined && typeof claims[name] !== 'string') {
        throw new DevTokenRequestError(`${name} must be a string of space-separated scopes, e.g. "invoices:read invoices:write"`);
      }
    }
    if (tokenType === 'm2m_token' && !String(claims.sub).startsWith('mch_')) throw new DevTokenRequestError('the sub of an M2M token must start with mch_');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT', ...header })
      .setIssuer(this.issuer)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + lifetime)
      .sign(this.privateKey);
  }

  /** The default claims and the header of a class: what Clerk puts in each. */
  private shape(tokenType: unknown, template: unknown): { claims: Record<string, unknown>; header: Record<string, unknown> } {
    const id = randomBytes(8).toString('hex');
    const azp = this.defaults.defaultAuthorizedParty ? { azp: this.defaults.defaultAuthorizedParty } : {};
    if (template !== undefined) {
      if (typeof template !== 'string' || template === '') throw new DevTokenRequestError('template must be the name of a JWT template');
      if (tokenType !== 'session_token') throw new DevTokenRequestError('template makes a JWT template token: leave tokenType out');
      return { claims: { sub: this.defaults.defaultSubject ?? 'user_123', ...azp }, header: { cat: CLERK_TOKEN_CATEGORIES.jwtTemplate } };
    }
    switch (tokenType) {
      case 'session_token':
        return { claims: { sub: this.defaults.defaultSubject ?? 'user_123', sid: `sess_${id}`, ...azp }, header: {} };
      case 'm2m_token':
        return { claims: { sub: 'mch_dev', jti: `mt_${id}` }, header: { cat: CLERK_TOKEN_CATEGORIES.m2m } };
      case 'oauth_token':
        return { claims: { sub: this.defaults.defaultSubject ?? 'user_123', client_id: 'client_dev', jti: `oat_${id}` }, header: { typ: 'at+jwt' } };
      default:
        throw new DevTokenRequestError("tokenType must be 'session_token', 'm2m_token' or 'oauth_token'");
    }
  }
}
