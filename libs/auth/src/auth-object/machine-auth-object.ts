import type { JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { MachineTokenType } from '../verification/token-class.js';
import { signedInDebugInfo, signedOutDebugInfo, type AuthDebugInfo } from './auth-debug.js';
import type { AuthorizationCheck } from './has-authorization.js';
import { grantsAllow, type AuthorizationGrants } from './authorization-grants.js';
import { askedScopes, hasScopes, readScopes } from './scopes.js';
import type { TokenBinding } from './token-binding.js';

/** What every verified machine token has, with `@clerk/backend`'s field names. */
interface MachineAuthBase<T extends MachineTokenType> {
  isAuthenticated: true;
  tokenType: T;
  /** The token's id: `jti`, or `''` when the issuer sent none (as `@clerk/backend`). */
  id: string;
  /** `sub`: the machine, client or user the token was issued to. */
  subject: string;
  /** From the claim the class defines (M2M: Clerk's `scopes`; the others: `scope`), or the issuer's `scopeClaim`; [] when none. */
  scopes: string[];
  /** The verified claims as the issuer sent them. */
  claims: JWTPayload;
  /** The verified token's `iss` (with several issuers: the entry that verified it); null when it had none. */
  issuer: string | null;
  /** Present for a sender-constrained token only: the DPoP key or client certificate it is bound to, which the request proved. */
  binding?: TokenBinding;
  /** The request's own token. */
  getToken(): Promise<string>;
  /**
   * `{ scope }` / `{ scopes }`: granted scopes (exact match). Roles, permissions, features and plans
   * only through the `authorization` option's grants; otherwise false, as in `@clerk/backend`.
   */
  has(check: AuthorizationCheck): boolean;
  /** What the guard decided, for logs; never any part of the token. */
  debug(): AuthDebugInfo;
}

/** A verified machine-to-machine token (Clerk `m2m_token`, `sub: mch_…`). */
export interface M2MAuthObject extends MachineAuthBase<'m2m_token'> {
  /** The calling machine: `sub`. */
  machineId: string;
}

/** A verified OAuth access token (RFC 9068 `typ: at+jwt`): a client acting for a user. */
export interface OAuthAuthObject extends MachineAuthBase<'oauth_token'> {
  /** The user the client acts for: `sub`. */
  userId: string;
  /** The OAuth client: `client_id`, or `''` when absent (as `@clerk/backend`). */
  clientId: string;
}

/** A verified API key: owned by a user (`sub: user_…`) or an organization (`sub: org_…`). */
export interface ApiKeyAuthObject extends MachineAuthBase<'api_key'> {
  /** The key's name (claim `name`), or `''`. */
  name: string;
  userId: string | null;
  orgId: string | null;
}

/**
 * A verified machine caller, narrowed by `tokenType`.
 *
 * @example
 * @RequireAuth({ acceptsToken: 'm2m_token', scope: 'invoices:read' })
 * @Get('invoices') list(@Auth() auth: MachineAuthObject<'m2m_token'>) { return this.invoices.for(auth.machineId); }
 */
export type MachineAuthObject<T extends MachineTokenType = MachineTokenType> = T extends 'm2m_token'
  ? M2MAuthObject
  : T extends 'oauth_token'
    ? OAuthAuthObject
    : T extends 'api_key'
      ? ApiKeyAuthObject
      : never;

type SignedOutFields<T extends MachineTokenType> = T extends 'm2m_token'
  ? { machineId: null }
  : T extends 'oauth_token'
    ? { userId: null; clientId: null }
    : { name: null; userId: null; orgId: null };

/**
 * A route that accepts one machine class, with no token of that class: every field null, as
 * `@clerk/backend`'s unauthenticated machine object.
 */
export type SignedOutMachineAuthObject<T extends MachineTokenType = MachineTokenType> = T extends MachineTokenType
  ? {
      isAuthenticated: false;
      tokenType: T;
      id: null;
      subject: null;
      scopes: null;
      claims: null;
      issuer: null;
      getToken(): Promise<null>;
      has(check: AuthorizationCheck): false;
      debug(): AuthDebugInfo;
    } & SignedOutFields<T>
  : never;

class MachineAuth {
  readonly isAuthenticated = true as const;

  constructor(fields: Record<string, unknown>) {
    Object.assign(this, fields);
  }
}

class SignedOutMachineAuth {
  readonly isAuthenticated = false as const;

  constructor(fields: Record<string, unknown>) {
    Object.assign(this, fields);
  }
}

function optionalString(claims: JWTPayload, name: string): string | undefined {
  const value = (claims as Record<string, unknown>)[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new AuthError(AuthErrorReason.TokenInvalidClaims, `claim "${name}" must be a non-empty string`);
  }
  return value;
}

/**
 * Builds the (frozen) auth object of a verified machine token, type-checking the claims it reads:
 * `sub` (required), `jti`, `client_id`, `name`, and the scope claim of its class (or `scopeClaim`, the
 * issuer's own; see `readScopes`). `grants` are the `authorization` option's result, when it is set.
 * Throws {@link AuthError} (`token-invalid-claims`).
 */
export function machineAuthObject<T extends MachineTokenType>(
  tokenType: T,
  claims: JWTPayload,
  token: string,
  grants?: Required<AuthorizationGrants>,
  scopeClaim?: string,
  binding?: TokenBinding,
): MachineAuthObject<T> {
  const subject = optionalString(claims, 'sub');
  if (subject === undefined) throw new AuthError(AuthErrorReason.TokenInvalidClaims, 'claim "sub" must be a non-empty string');
  const scopes = readScopes(claims, tokenType, scopeClaim);
  const fields: Record<string, unknown> = { tokenType, id: optionalString(claims, 'jti') ?? '', subject, scopes };
  if (tokenType === 'm2m_token') fields.machineId = subject;
  if (tokenType === 'oauth_token') Object.assign(fields, { userId: subject, clientId: optionalString(claims, 'client_id') ?? '' });
  if (tokenType === 'api_key') {
    fields.name = optionalString(claims, 'name') ?? '';
    fields.userId = subject.startsWith('user_') ? subject : null;
    fields.orgId = subject.startsWith('org_') ? subject : null;
  }
  fields.claims = claims;
  fields.issuer = typeof claims.iss === 'string' ? claims.iss : null;
  if (binding) fields.binding = binding;
  fields.getToken = (): Promise<string> => Promise.resolve(token);
  fields.has = (check: AuthorizationCheck): boolean => hasMachineAuthorization(check, scopes, grants);
  const userId = (fields.userId as string | null | undefined) ?? null;
  fields.debug = () => signedInDebugInfo(claims, { userId, sessionId: null, sessionStatus: null }, tokenType);
  return Object.freeze(new MachineAuth(fields)) as unknown as MachineAuthObject<T>;
}

/** The signed-out object of a route that accepts only `tokenType`; its `debug()` tells why. Frozen. */
export function signedOutMachineAuthObject<T extends MachineTokenType>(
  tokenType: T,
  error: AuthError | null = null,
  tokenPresent = false,
): SignedOutMachineAuthObject<T> {
  const fields: Record<string, unknown> = { tokenType, id: null, subject: null, scopes: null };
  if (tokenType === 'm2m_token') fields.machineId = null;
  if (tokenType === 'oauth_token') Object.assign(fields, { userId: null, clientId: null });
  if (tokenType === 'api_key') Object.assign(fields, { name: null, userId: null, orgId: null });
  Object.assign(fields, {
    claims: null,
    issuer: null,
    getToken: (): Promise<null> => Promise.resolve(null),
    has: (): false => false,
    debug: () => signedOutDebugInfo(error, tokenPresent, null, tokenType),
  });
  return Object.freeze(new SignedOutMachineAuth(fields)) as unknown as SignedOutMachineAuthObject<T>;
}

/** `has()` of a machine: scopes always; the other dimensions only through grants. */
export function hasMachineAuthorization(check: AuthorizationCheck, scopes: readonly string[], grants?: Required<AuthorizationGrants>): boolean {
  if (!check || typeof check !== 'object') return false;
  // A machine verifies no factors (no fva): an asked reverification is never met.
  if (check.reverification !== undefined) return false;
  const asked = askedScopes(check);
  if (asked && !hasScopes(scopes, asked)) return false;
  const { role, permission, feature, plan } = check;
  if (role === undefined && permission === undefined && feature === undefined && plan === undefined) return asked !== undefined;
  return grants !== undefined && grantsAllow(check, grants);
}
