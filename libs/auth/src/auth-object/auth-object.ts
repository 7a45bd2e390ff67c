import type { JWTPayload } from 'jose';
import type { AuthError } from '../auth.errors.js';
import { grantsAllow } from './authorization-grants.js';
import { splitByScope, type ActorClaim, type SessionFields } from './claims.js';
import type { AnyAuthObject } from './auth-object-for.js';
import { askedScopes, hasScopes } from './scopes.js';

/**
 * What `has()` checks. Every given dimension must hold (AND); an empty check is false.
 * Roles and permissions are org-scoped as in Clerk: `'admin'` and `'org:admin'` are the same role.
 *
 * @example
 * auth.has({ permission: 'org:invoices:read' })
 * auth.has({ role: 'org:admin', feature: 'reports' })
 * auth.has({ plan: 'u:pro' })
 * auth.has({ scope: 'invoices:read' })
 */
export interface AuthorizationCheck {
  role?: string;
  permission?: string;
  /** `'name'` (either scope), `'o:name'`/`'org:name'` or `'u:name'`/`'user:name'`. */
  feature?: string;
  /** Same scoping as `feature`. */
  plan?: string;
  /** An OAuth scope the token grants (`scp` / `scope`; M2M also `scopes`), exact match. */
  scope?: string;
  /** Several scopes: all must be granted. */
  scopes?: readonly string[];
}

/** Options of `getToken()`. */
export interface GetTokenOptions {
  /** Ask the `getTokenTemplate` option for a token of this template instead of the request's own. */
  template?: string;
}

interface AuthObjectBase {
  /** The token class: always a session for these objects (see `MachineAuthObject` for the others). */
  tokenType: 'session_token';
  orgRole: string | null;
  orgSlug: string | null;
  orgPermissions: string[] | null;
  actor: ActorClaim | null;
  sessionStatus: 'active' | 'pending' | null;
  factorVerificationAge: [number, number] | null;
  /**
   * The request's own token, or with `{ template }` a token from the `getTokenTemplate` option.
   * Resolves null when signed out.
   */
  getToken(options?: GetTokenOptions): Promise<string | null>;
  /** Whether the session holds a role, permission, feature or plan. Always false when signed out. */
  has(check: AuthorizationCheck): boolean;
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
}

/** No token, or a token that was refused: the same keys, ids and claims null. */
export interface SignedOutAuthObject extends AuthObjectBase {
  isAuthenticated: false;
  userId: null;
  sessionId: null;
  orgId: null;
  claims: null;
}

/** Narrow on `isAuthenticated`. */
export type AuthObject<TClaims extends object = object> = SignedInAuthObject<TClaims> | SignedOutAuthObject;

/** Supplies template tokens for `getToken({ template })`. */
export type TokenTemplateProvider = (auth: SignedInAuthObject, template: string) => Promise<string | null>;

/** The outcome of authenticating one request: always an auth object, and why it is signed out. */
export interface AuthResult {
  /** A session's auth object, or a machine's (narrow on `tokenType`). */
  auth: AnyAuthObject;
  /** Null when signed in, or when no token was sent. */
  error: AuthError | null;
  /** Whether the request carried a token at all. */
  tokenPresent: boolean;
}

/**
 * Key (shared by every copy of the library) of a method on the prototype of the auth objects this
 * library makes: it gives the {@link AuthResult} the object stands for. So `req.auth` alone tells
 * `getAuth(req)` and a second guard what the first one decided, and an `auth` some other middleware
 * put on the request is never mistaken for ours.
 */
export const AUTH_RESULT = Symbol.for('nestjs-warden:auth-result');

/** An object that may be one of this library's auth objects. */
export interface AuthResultCarrier {
  [AUTH_RESULT]?: () => AuthResult;
}

class SignedInAuth implements SignedInAuthObject {
  sessionId: string | null;
  userId: string;
  orgId: string | null;
  getToken: (options?: GetTokenOptions) => Promise<string | null>;
  claims: JWTPayload;
  isAuthenticated = true as const;
  tokenType = 'session_token' as const;
  orgRole: string | null;
  orgSlug: string | null;
  orgPermissions: string[] | null;
  actor: ActorClaim | null;
  sessionStatus: 'active' | 'pending' | null;
  factorVerificationAge: [number, number] | null;
  has: (check: AuthorizationCheck) => boolean;
  /** Made on first use and kept: a cached token's requests all share it. Private fields stay writable when frozen. */
  #result: AuthResult | undefined;

  constructor(claims: JWTPayload, fields: SessionFields, token: string, templates?: TokenTemplateProvider) {
    this.sessionId = fields.sessionId;
    this.userId = fields.userId;
    this.orgId = fields.orgId;
    this.getToken = async (options?: GetTokenOptions) => {
      const template = options?.template;
      if (template === undefined) return token;
      if (!templates) {
        throw new Error(`nestjs-warden: getToken({ template: "${template}" }) needs the getTokenTemplate option of AuthModule.forRoot()`);
      }
      return templates(this, template);
    };
    this.claims = claims;
    this.orgRole = fields.orgRole;
    this.orgSlug = fields.orgSlug;
    this.orgPermissions = fields.orgPermissions;
    this.actor = fields.actor;
    this.sessionStatus = fields.sessionStatus;
    this.factorVerificationAge = fields.factorVerificationAge;
    this.has = (check) => hasAuthorization(check, fields);
  }

  [AUTH_RESULT](): AuthResult {
    return (this.#result ??= Object.freeze({ auth: this, error: null, tokenPresent: true }));
  }
}

class SignedOutAuth implements SignedOutAuthObject {
  sessionId = null;
  userId = null;
  orgId = null;
  getToken = async (): Promise<null> => null;
  claims = null;
  isAuthenticated = false as const;
  tokenType = 'session_token' as const;
  orgRole = null;
  orgSlug = null;
  orgPermissions = null;
  actor = null;
  sessionStatus = null;
  factorVerificationAge = null;
  has = (): boolean => false;
  readonly #result: AuthResult;

  constructor(error: AuthError | null, tokenPresent: boolean) {
    this.#result = Object.freeze({ auth: this, error, tokenPresent });
  }

  [AUTH_RESULT](): AuthResult {
    return this.#result;
  }
}

/** Builds the signed-in auth object of a verified token; frozen. */
export function signedInAuthObject(
  claims: JWTPayload,
  fields: SessionFields,
  token: string,
  templates?: TokenTemplateProvider,
): SignedInAuthObject {
  return Object.freeze(new SignedInAuth(claims, fields, token, templates));
}

/** The signed-out auth object, remembering why (for `getAuth` and a second guard on the request); frozen. */
export function signedOutAuthObject(error: AuthError | null = null, tokenPresent = false): SignedOutAuthObject {
  return Object.freeze(new SignedOutAuth(error, tokenPresent));
}

/** A signed-out result (frozen) whose auth object remembers why. */
export function signedOutResult(error: AuthError | null, tokenPresent: boolean): AuthResult {
  return Object.freeze(new SignedOutAuth(error, tokenPresent))[AUTH_RESULT]();
}

/** The (frozen, shared) result of a signed-in auth object. */
export function signedInResult(auth: AnyAuthObject & { isAuthenticated: true }): AuthResult {
  return authResultOf(auth) ?? { auth, error: null, tokenPresent: true };
}

/** The result an auth object of this library stands for, or undefined for any other value. */
export function authResultOf(value: unknown): AuthResult | undefined {
  const method = value !== null && typeof value === 'object' ? (value as AuthResultCarrier)[AUTH_RESULT] : undefined;
  return typeof method === 'function' ? method.call(value) : undefined;
}

const withOrgPrefix = (value: string): string => value.replace(/^(org:)*/, 'org:');

/**
 * Clerk's semantics: each asked dimension must pass, at least one must be asked, missing data fails.
 * With grants from the `authorization` option, each asked value must be in the matching grant list.
 */
export function hasAuthorization(check: AuthorizationCheck, fields: SessionFields): boolean {
  if (!check || typeof check !== 'object') return false;
  const scopes = askedScopes(check);
  if (scopes && !hasScopes(fields.scopes ?? [], scopes)) return false;
  const { role, permission, feature, plan } = check;
  const asked = [role, permission, feature, plan].filter((v) => v !== undefined);
  if (asked.length === 0) return scopes !== undefined;
  if (asked.some((v) => typeof v !== 'string' || v === '')) return false;
  const grants = fields.grants;
  if (grants) return grantsAllow(check, grants);
  if ((role !== undefined || permission !== undefined) && !fields.orgId) return false;
  if (role !== undefined && (!fields.orgRole || withOrgPrefix(fields.orgRole) !== withOrgPrefix(role))) return false;
  if (permission !== undefined && !fields.orgPermissions?.includes(withOrgPrefix(permission))) return false;
  if (feature !== undefined && !hasScoped(fields.features, feature)) return false;
  if (plan !== undefined && !hasScoped(fields.plans, plan)) return false;
  return true;
}

const ORG_SCOPES = new Set(['o', 'org', 'organization']);
const USER_SCOPES = new Set(['u', 'user']);

function hasScoped(claim: string | null, wanted: string): boolean {
  const { org, user } = splitByScope(claim);
  const colon = wanted.indexOf(':');
  if (colon < 0) return org.includes(wanted) || user.includes(wanted);
  const scope = wanted.slice(0, colon);
  const id = wanted.slice(colon + 1);
  if (ORG_SCOPES.has(scope)) return org.includes(id);
  if (USER_SCOPES.has(scope)) return user.includes(id);
  return false;
}
