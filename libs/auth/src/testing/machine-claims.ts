import { CLERK_TOKEN_CATEGORIES } from '../core/index.js';
import type { JWTPayload } from 'jose';

/**
 * Claims of a test session. `sub`, `sid`, `iat`, `nbf`, `exp` default when absent; `iss`, `aud` and
 * `azp` are always set to what the app accepts (test refusals of those with `createTestIssuer()`).
 */
export type TestClaims = JWTPayload & Record<string, unknown>;

/**
 * Key under which claims carry the protected header they must be signed with (a symbol: JSON never
 * sees it, a spread `{ ...claims }` keeps it). `TestIssuer.sign()` and `createTestAuth()` apply it.
 */
export const TEST_TOKEN_HEADER = Symbol.for('nestjs-warden:testing:token-header');

/** Claims that carry the header to sign them with. */
export type ClaimsWithHeader = TestClaims & { [TEST_TOKEN_HEADER]?: Record<string, unknown> };

/**
 * Attaches protected header parameters to claims (merged over any already attached): signing them
 * with `TestIssuer.sign()` or `createTestAuth()` puts these values in the token's header.
 *
 * @example
 * issuer.sign(withTokenHeader({ sub: 'svc_1' }, { typ: 'at+jwt' }))
 */
export function withTokenHeader<T extends TestClaims>(claims: T, header: Record<string, unknown>): T & ClaimsWithHeader {
  return { ...claims, [TEST_TOKEN_HEADER]: { ...tokenHeaderOf(claims), ...header } };
}

/** The header parameters attached to claims by {@link withTokenHeader} (or a sibling of `clerkSessionClaims`), or {}. */
export function tokenHeaderOf(claims: object | null | undefined): Record<string, unknown> {
  const header = claims ? (claims as ClaimsWithHeader)[TEST_TOKEN_HEADER] : undefined;
  return header && typeof header === 'object' ? header : {};
}

/** Inputs of {@link clerkM2MClaims}. */
export interface ClerkM2MInput {
  /** `sub`: the calling machine, `mch_…`. Default `'mch_test'`. */
  machineId?: string;
  /** `jti`. Default `'mt_test'`. */
  tokenId?: string;
  /** Clerk's `scopes` claim (space-separated): the machines this one may call, or your own scopes. */
  scopes?: string[];
  /** Custom claims given when the token was created. */
  claims?: Record<string, unknown>;
}

/**
 * The claims of a Clerk JWT-format machine-to-machine token, with its header (`cat: cl_B7d4PD333AAA`,
 * `typ: JWT`) attached: routes accepting `'m2m_token'` take it, session routes refuse it.
 *
 * @example
 * await issuer.sign(clerkM2MClaims({ machineId: 'mch_billing', scopes: ['invoices:read'] }))
 * createTestAuth({ as: clerkM2MClaims() }) // requests without a token are this machine
 */
export function clerkM2MClaims(input: ClerkM2MInput = {}): ClaimsWithHeader {
  const claims: TestClaims = { ...input.claims, sub: input.machineId ?? 'mch_test', jti: input.tokenId ?? 'mt_test' };
  if (input.scopes) claims.scopes = input.scopes.join(' ');
  return withTokenHeader(claims, { cat: CLERK_TOKEN_CATEGORIES.m2m, typ: 'JWT' });
}

/** Inputs of {@link clerkOAuthClaims}. */
export interface ClerkOAuthInput {
  /** `sub`: the user the client acts for. Default `'user_test'`. */
  userId?: string;
  /** `client_id`. Default `'client_test'`. */
  clientId?: string;
  /** `jti`. Default `'oat_test'`. */
  tokenId?: string;
  /** Granted scopes, as the space-separated `scope` claim. */
  scopes?: string[];
  /** Extra claims. */
  claims?: Record<string, unknown>;
}

/**
 * The claims of a JWT-format OAuth access token (RFC 9068, as Clerk issues them), with its header
 * (`typ: at+jwt`) attached: routes accepting `'oauth_token'` take it, session routes refuse it.
 *
 * @example
 * await issuer.sign(clerkOAuthClaims({ userId: 'user_1', clientId: 'cli_1', scopes: ['profile', 'email'] }))
 */
export function clerkOAuthClaims(input: ClerkOAuthInput = {}): ClaimsWithHeader {
  const claims: TestClaims = {
    ...input.claims,
    sub: input.userId ?? 'user_test',
    client_id: input.clientId ?? 'client_test',
    jti: input.tokenId ?? 'oat_test',
  };
  if (input.scopes) claims.scope = input.scopes.join(' ');
  return withTokenHeader(claims, { typ: 'at+jwt' });
}
