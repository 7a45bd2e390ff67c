import type { JWTPayload } from 'jose';
import { AuthErrorReason, type AuthError } from '../auth.errors.js';
import { signedInDebugInfo, signedOutDebugInfo, type AuthDebugInfo } from './auth-debug.js';
import type { ActorClaim, SessionFields } from './claims.js';
import { hasAuthorization, type AuthorizationCheck } from './has-authorization.js';
import type { TokenBinding } from './token-binding.js';

// Kept importable from here: has() lived in this file before it grew past the size limit.
export { hasAuthorization, type AuthorizationCheck } from './has-authorization.js';

/** Options of `getToken()`: with either, the `getTokenTemplate` option is asked, with both as given. */
export interface GetTokenOptions {
  /** A token of this template instead of the request's own. */
  template?: string;
  /** The lifetime to ask for, in seconds. */
  expiresInSeconds?: number;
}

interface AuthObjectBase {
  /** The token class: always a session for these objects (see `MachineAuthObject` for the others). */
  tokenType: 'session_token';
  /**
   * The verified token's `iss`: which issuer signed it in, with several issuers (`issuers`,
   * `resolveIssuer`) the entry that verified it. Null when signed out or when the token had no `iss`.
   */
  issuer: string | null;
  orgRole: string | null;
  orgSlug: string | null;
  orgPermissions: string[] | null;
  actor: ActorClaim | null;
  sessionStatus: 'active' | 'pending' | null;
  factorVerificationAge: [number, number] | null;
  /**
   * The request's own token, or with `{ template, expiresInSeconds }` a token from the
   * `getTokenTemplate` option. Resolves null when signed out.
   */
  getToken(options?: GetTokenOptions): Promise<string | null>;
  /** Whether the session holds a role, permission, feature, plan or recent verification. Always false when signed out. */
  has(check: AuthorizationCheck): boolean;
  /** What the guard decided, for logs; never any part of the token. */
  debug(): AuthDebugInfo;
}

/**
 * A verified session. `claims` are the verified claims as the issuer sent them; declare your custom
 * claims with the type parameter.
 *
 * @example
 * @Get('me') me(@Auth() auth: SignedInAuthObject<{ email: string }>) { return auth.claims.email; }
 */
export interface SignedInAuthObject<TClaims extends object = object> extends AuthObjectBase {
  isAuthenticated: true;
  userId: string;
  /** Clerk `sid`; null for issuers whose tokens carry no session id. */
  sessionId: string | null;
  orgId: string | null;
  claims: JWTPayload & TClaims;
  /** Clerk's name for `claims`: the same object. */
  sessionClaims: JWTPayload & TClaims;
  /**
   * Present for a sender-constrained token only (`cnf.jkt`: DPoP, RFC 9449; `cnf["x5t#S256"]`: mTLS,
   * RFC 8705): the key or certificate it is bound to, which the request proved it holds.
   */
  binding?: TokenBinding;
}

/**
 * No token, or a token that was refused: the same keys, ids and claims null. A pending session
 * (signed out by `treatPendingAsSignedOut`) keeps `sessionStatus: 'pending'`, as in Clerk.
 */
export interface SignedOutAuthObject extends AuthObjectBase {
  isAuthenticated: false;
  userId: null;
  sessionId: null;
  orgId: null;
  claims: null;
  sessionClaims: null;
  sessionStatus: 'pending' | null;
}

/** Narrow on `isAuthenticated`. */
export type AuthObject<TClaims extends object = object> = SignedInAuthObject<TClaims> | SignedOutAuthObject;

/**
 * Supplies tokens for `getToken({ template, expiresInSeconds })`: `template` is `''` when only a
 * lifetime was asked (as Clerk passes it); `options` holds what the caller gave.
 */
export type TokenTemplateProvider = (auth: SignedInAuthObject, template: string, options: GetTokenOptions) => Promise<string | null>;

class SignedInAuth implements SignedInAuthObject {
  sessionId: string | null;
  userId: string;
  orgId: string | null;
  getToken: (options?: GetTokenOptions) => Promise<string | null>;
  claims: JWTPayload;
  sessionClaims: JWTPayload;
  isAuthenticated = true as const;
  tokenType = 'session_token' as const;
  issuer: string | null;
  orgRole: string | null;
  orgSlug: string | null;
  orgPermissions: string[] | null;
  actor: ActorClaim | null;
  sessionStatus: 'active' | 'pending' | null;
  factorVerificationAge: [number, number] | null;
  has: (check: AuthorizationCheck) => boolean;
  debug: () => AuthDebugInfo;
  declare binding?: TokenBinding;
  constructor(claims: JWTPayload, fields: SessionFields, token: string, templates?: TokenTemplateProvider, binding?: TokenBinding) {
    this.sessionId = fields.sessionId;
    this.userId = fields.userId;
    this.orgId = fields.orgId;
    this.getToken = async (options?: GetTokenOptions) => {
      const { template, expiresInSeconds } = options ?? {};
      if (template === undefined && expiresInSeconds === undefined) return token;
      if (!templates) {
        throw new Error('nestjs-warden: getToken({ template, expiresInSeconds }) needs the getTokenTemplate option of AuthModule.forRoot()');
      }
      if (expiresInSeconds !== undefined && !(typeof expiresInSeconds === 'number' && expiresInSeconds > 0)) {
        throw new TypeError('nestjs-warden: getToken({ expiresInSeconds }) must be a number of seconds above 0');
      }
      const given = { ...(template !== undefined ? { template } : {}), ...(expiresInSeconds !== undefined ? { expiresInSeconds } : {}) };
      return templates(this, template ?? '', given);
    };
    this.claims = claims;
    this.sessionClaims = claims;
    this.issuer = typeof claims.iss === 'string' ? claims.iss : null;
    this.orgRole = fields.orgRole;
    this.orgSlug = fields.orgSlug;
    this.orgPermissions = fields.orgPermissions;
    this.actor = fields.actor;
    this.sessionStatus = fields.sessionStatus;
    this.factorVerificationAge = fields.factorVerificationAge;
    this.has = (check) => hasAuthorization(check, fields);
    this.debug = () => signedInDebugInfo(claims, fields);
    // Only on bound tokens: a bearer token's auth object (and its JSON) is Clerk's, field for field.
    if (binding) this.binding = binding;
  }
}

class SignedOutAuth implements SignedOutAuthObject {
  sessionId = null;
  userId = null;
  orgId = null;
  getToken = (): Promise<null> => Promise.resolve(null);
  claims = null;
  sessionClaims = null;
  isAuthenticated = false as const;
  tokenType = 'session_token' as const;
  issuer = null;
  orgRole = null;
  orgSlug = null;
  orgPermissions = null;
  actor = null;
  sessionStatus: 'pending' | null;
  factorVerificationAge = null;
  has = (): boolean => false;
  debug: () => AuthDebugInfo;

  constructor(error: AuthError | null, tokenPresent: boolean) {
    this.sessionStatus = error?.reason === AuthErrorReason.SessionPending ? 'pending' : null;
    this.debug = () => signedOutDebugInfo(error, tokenPresent, this.sessionStatus);
  }
}

/** Builds the signed-in auth object of a verified token; frozen. */
export function signedInAuthObject(
  claims: JWTPayload,
  fields: SessionFields,
  token: string,
  templates?: TokenTemplateProvider,
  binding?: TokenBinding,
): SignedInAuthObject {
  return Object.freeze(new SignedInAuth(claims, fields, token, templates, binding));
}

/** The signed-out auth object, remembering why (for `getAuth` and a second guard on the request); frozen. */
export function signedOutAuthObject(error: AuthError | null = null, tokenPresent = false): SignedOutAuthObject {
  return Object.freeze(new SignedOutAuth(error, tokenPresent));
}
