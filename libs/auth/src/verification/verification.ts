import type { JWTPayload } from 'jose';
import type { AuthError } from '../auth.errors.js';
import { signedOutResult, type AuthResult } from '../auth-object/auth-result.js';
import type { IssuerConfig } from '../config/resolved-options.js';
import type { TokenType } from './token-class.js';

/**
 * Where a request's token was found: the token header (or a transport's own token field: socket.io's
 * `auth.token`, an RPC message field), or the session cookie. A guard subclass's own `getToken()`
 * that returns a bare string counts as `'header'`.
 */
export type TokenOrigin = 'header' | 'cookie';

/** The authentication scheme a header token came under: `Authorization: Bearer` (RFC 6750) or `Authorization: DPoP` (RFC 9449). */
export type TokenScheme = 'bearer' | 'dpop';

/**
 * What verifying one request's token yields, built once per request (or per message of a live
 * connection) and carried by value through the rest of the request path: the token and where it was
 * found, the issuer entry whose rules verified it, its class and claims, and the auth object (signed
 * in, or signed out with the reason). It says nothing yet about any route: which classes, issuers or
 * grants a route accepts is decided from it (`decide`), so one value serves every route a carrier
 * reaches (GraphQL runs the guard once per field).
 */
export interface Verification extends AuthResult {
  /** The token as sent; null when none was found. */
  readonly token: string | null;
  /** Where the token was found; null when none was. */
  readonly source: TokenOrigin | null;
  /** The issuer entry whose rules verified the token; null when none was selected (signed out before that). */
  readonly issuer: IssuerConfig | null;
  /** The token's class; null when signed out. */
  readonly tokenType: TokenType | null;
  /** The verified claims; null when signed out. */
  readonly claims: JWTPayload | null;
  /** The verified-token cache answered: no signature was checked for this request. */
  readonly cacheHit: boolean;
  /** The scheme of a header token (`'dpop'`: it came with a DPoP proof); null for a cookie, or no token. */
  readonly scheme: TokenScheme | null;
  /** The DPoP proof this request proved its token's key with; null when none was checked. */
  readonly proof: string | null;
  /**
   * Under Clerk's cookie rules (`clerkCookies`), for a token from the session cookie: the
   * `__client_uat` sent beside it, in seconds (0: absent or signed out); `decide` compares it with
   * the token's `iat`. Null otherwise.
   */
  readonly clientUat: number | null;
}

/** What a signed-out verification knows about the token it refused. */
export interface RefusedToken {
  token?: string | null;
  source?: TokenOrigin | null;
  issuer?: IssuerConfig | null;
  scheme?: TokenScheme | null;
}

/**
 * The signed-out verification: `error` says why (null: no token was sent), `tokenPresent` whether
 * one was. Frozen.
 *
 * @example
 * signedOutVerification(new AuthError(AuthErrorReason.TokenMissing, 'no token'), false)
 */
export function signedOutVerification(error: AuthError | null, tokenPresent: boolean, refused: RefusedToken = {}): Verification {
  const { auth } = signedOutResult(error, tokenPresent);
  return Object.freeze({
    auth,
    error,
    tokenPresent,
    token: refused.token ?? null,
    source: refused.source ?? null,
    issuer: refused.issuer ?? null,
    tokenType: null,
    claims: null,
    cacheHit: false,
    scheme: refused.scheme ?? schemeOf(refused.source ?? null),
    proof: null,
    clientUat: null,
  });
}

/** What {@link verifiedVerification} takes of a token that passed every check (a `VerifiedToken`). */
export interface VerifiedParts {
  token: string;
  tokenType: TokenType;
  claims: JWTPayload;
  issuer: IssuerConfig;
  auth: AuthResult['auth'] & { isAuthenticated: true };
}

/** The signed-in verification of a token that passed every check (a `VerifiedToken`). Frozen. */
export function verifiedVerification(verified: VerifiedParts, source: TokenOrigin | null, cacheHit: boolean): Verification {
  return Object.freeze({
    auth: verified.auth,
    error: null,
    tokenPresent: true,
    token: verified.token,
    source,
    issuer: verified.issuer,
    tokenType: verified.tokenType,
    claims: verified.claims,
    cacheHit,
    scheme: schemeOf(source),
    proof: null,
    clientUat: null,
  });
}

/**
 * The verification with how its token was presented: under `scheme`, proved by the DPoP `proof`
 * (null: none). The same object when nothing changes (a bearer token, the usual request). Frozen.
 */
export function presentedVerification(v: Verification, scheme: TokenScheme | null, proof: string | null): Verification {
  if (v.scheme === scheme && v.proof === proof) return v;
  return Object.freeze({ ...v, scheme, proof });
}

/** A header token counts as a bearer token until its scheme says otherwise. */
function schemeOf(source: TokenOrigin | null): TokenScheme | null {
  return source === 'header' ? 'bearer' : null;
}

/**
 * The verification a result stands for: itself when it is one, else (a guard subclass's own
 * `authenticate()` built a plain {@link AuthResult}) one made from it, with what the guard knows of
 * the token; its issuer is `issuer` when the module has only one, else unknown (null), and then the
 * module's defaults apply.
 */
export function asVerification(result: AuthResult, token: string | null, source: TokenOrigin | null, issuer: IssuerConfig | null = null): Verification {
  if (isVerification(result)) return result;
  const { auth } = result;
  const signedIn = auth.isAuthenticated;
  return Object.freeze({
    auth,
    error: result.error,
    tokenPresent: result.tokenPresent,
    token,
    source,
    issuer,
    // An auth object without a class (a subclass's own) counts as a session.
    tokenType: signedIn ? ((auth.tokenType as TokenType | undefined) ?? 'session_token') : null,
    claims: signedIn ? ((auth.claims as JWTPayload | undefined) ?? null) : null,
    cacheHit: false,
    scheme: schemeOf(source),
    proof: null,
    clientUat: null,
  });
}

/**
 * The same verification with the `__client_uat` its request sent beside the session cookie (Clerk's
 * cookie rules); itself when there is none to add. Frozen.
 */
export function withClientUat(v: Verification, clientUat: number | undefined | null): Verification {
  if (clientUat === undefined || clientUat === null || v.clientUat === clientUat) return v;
  return Object.freeze({ ...v, clientUat });
}

function isVerification(result: AuthResult): result is Verification {
  return 'cacheHit' in result && 'issuer' in result && 'source' in result && 'tokenType' in result && 'scheme' in result;
}
