import type { JWTPayload } from 'jose';
import { signedInAuthObject, signedOutAuthObject, type SignedInAuthObject, type SignedOutAuthObject } from '../auth-object/auth-object.js';
import type { ActorClaim } from '../auth-object/claims.js';
import { readSessionFields } from '../auth-object/claims.js';
import { machineAuthObject, type ApiKeyAuthObject, type M2MAuthObject, type OAuthAuthObject } from '../auth-object/machine-auth-object.js';
import { readScopes } from '../auth-object/scopes.js';

/** Fields of a test session, in the auth object's own names. Everything is optional. */
export interface TestSessionInput {
  tokenType?: 'session_token';
  /** `sub`. Default `'user_test'`. */
  userId?: string;
  /** `sid`. Default `'sess_test'`; null: a token without a session id. */
  sessionId?: string | null;
  orgId?: string;
  /** With or without the `org:` prefix (`'admin'`, `'org:admin'`). */
  orgRole?: string;
  orgSlug?: string;
  /** Clerk permissions, e.g. `'org:invoices:read'`. */
  orgPermissions?: string[];
  /** Scoped features (`'o:reports'`, `'u:beta'`). */
  features?: string[];
  /** Scoped plans (`'u:free'`, `'o:pro'`). */
  plans?: string[];
  actor?: ActorClaim;
  sessionStatus?: 'active' | 'pending';
  /** Minutes since the first and second factor were verified (-1: never), for reverification. */
  factorVerificationAge?: [number, number];
  /** `iss`. Default none (`auth.issuer` is null). */
  issuer?: string;
  /** More claims, e.g. your custom ones; the fields above win. */
  claims?: Record<string, unknown>;
  /** What `getToken()` resolves to. Default `'test-token'`. */
  token?: string;
}

interface TestMachineBase {
  /** The space-separated scopes the class's claim carries. */
  scopes?: string[];
  /** `jti`. */
  id?: string;
  issuer?: string;
  claims?: Record<string, unknown>;
  token?: string;
}

/** A machine-to-machine token's fields. */
export interface TestM2MInput extends TestMachineBase {
  tokenType: 'm2m_token';
  /** `sub`. Default `'mch_test'`. */
  machineId?: string;
}

/** An OAuth access token's fields. */
export interface TestOAuthInput extends TestMachineBase {
  tokenType: 'oauth_token';
  /** `sub`: the user the client acts for. Default `'user_test'`. */
  userId?: string;
  /** `client_id`. Default `'client_test'`. */
  clientId?: string;
}

/** An API key's fields. */
export interface TestApiKeyInput extends TestMachineBase {
  tokenType: 'api_key';
  /** `sub`: `user_…` or `org_…`, the owner. Default `'user_test'`. */
  subject?: string;
  name?: string;
}

const now = () => Math.floor(Date.now() / 1000);

function sessionClaims(input: TestSessionInput): JWTPayload {
  const claims: Record<string, unknown> = { iat: now(), exp: now() + 60, ...input.claims, sub: input.userId ?? 'user_test' };
  const sid = input.sessionId === undefined ? 'sess_test' : input.sessionId;
  if (sid !== null) claims.sid = sid;
  if (input.issuer !== undefined) claims.iss = input.issuer;
  // Clerk's v1 org claims: permissions as a plain list, with no feature they must belong to.
  if (input.orgId !== undefined) claims.org_id = input.orgId;
  if (input.orgRole !== undefined) claims.org_role = input.orgRole.startsWith('org:') ? input.orgRole : `org:${input.orgRole}`;
  if (input.orgSlug !== undefined) claims.org_slug = input.orgSlug;
  if (input.orgPermissions !== undefined) claims.org_permissions = input.orgPermissions;
  if (input.features?.length) claims.fea = input.features.join(',');
  if (input.plans?.length) claims.pla = input.plans.join(',');
  if (input.actor) claims.act = input.actor;
  if (input.sessionStatus) claims.sts = input.sessionStatus;
  if (input.factorVerificationAge) claims.fva = input.factorVerificationAge;
  return claims;
}

function machineClaims(input: TestM2MInput | TestOAuthInput | TestApiKeyInput): JWTPayload {
  const claims: Record<string, unknown> = { iat: now(), exp: now() + 60, ...input.claims };
  if (input.id !== undefined) claims.jti = input.id;
  if (input.issuer !== undefined) claims.iss = input.issuer;
  if (input.tokenType === 'm2m_token') claims.sub = input.machineId ?? 'mch_test';
  if (input.tokenType === 'oauth_token') Object.assign(claims, { sub: input.userId ?? 'user_test', client_id: input.clientId ?? 'client_test' });
  if (input.tokenType === 'api_key') Object.assign(claims, { sub: input.subject ?? 'user_test', ...(input.name !== undefined ? { name: input.name } : {}) });
  if (input.scopes) claims[input.tokenType === 'm2m_token' ? 'scopes' : 'scope'] = input.scopes.join(' ');
  return claims;
}

/**
 * Builds an auth object for a unit test of a controller or a service, without an app, a guard or a
 * token: from the fields it should have, through the same builders the guard uses (so `has()`,
 * `debug()`, `getToken()` behave as in a request, and claims of the wrong type throw as they would be
 * refused). A session by default; `{ tokenType: 'm2m_token' | 'oauth_token' | 'api_key' }` makes a
 * machine's; `null` the signed-out object.
 *
 * @example
 * const auth = createAuthObject({ userId: 'user_1', orgId: 'org_1', orgRole: 'admin', orgPermissions: ['org:invoices:read'] });
 * expect(controller.list(auth)).toEqual(...); // auth.has({ permission: 'org:invoices:read' }) === true
 * createAuthObject({ tokenType: 'm2m_token', machineId: 'mch_billing', scopes: ['invoices:read'] });
 */
export function createAuthObject(input?: TestSessionInput): SignedInAuthObject;
export function createAuthObject(input: TestM2MInput): M2MAuthObject;
export function createAuthObject(input: TestOAuthInput): OAuthAuthObject;
export function createAuthObject(input: TestApiKeyInput): ApiKeyAuthObject;
export function createAuthObject(input: null): SignedOutAuthObject;
export function createAuthObject(
  input: TestSessionInput | TestM2MInput | TestOAuthInput | TestApiKeyInput | null = {},
): SignedInAuthObject | SignedOutAuthObject | M2MAuthObject | OAuthAuthObject | ApiKeyAuthObject {
  if (input === null) return signedOutAuthObject();
  const token = input.token ?? 'test-token';
  if (input.tokenType === 'm2m_token' || input.tokenType === 'oauth_token' || input.tokenType === 'api_key') {
    return machineAuthObject(input.tokenType, machineClaims(input), token);
  }
  const claims = sessionClaims(input);
  const fields = readSessionFields(claims);
  fields.scopes = readScopes(claims, 'session_token');
  return signedInAuthObject(claims, fields, token);
}
