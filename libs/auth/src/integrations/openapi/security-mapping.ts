import type { AuthPolicy } from '../../auth.decorators.js';
import type { ResolvedAuthOptions } from '../../config/resolved-options.js';
import type { AcceptsToken } from '../../verification/token-class.js';

/** The parts of an OpenAPI operation this integration writes. */
export interface OpenApiOperationLike {
  security?: Array<Record<string, string[]>>;
  responses?: Record<string, unknown>;
  [extension: `x-${string}`]: unknown;
}

/**
 * The security schemes the module's token sources call for: a bearer scheme for the header (an
 * `apiKey` header scheme when `headerName` is not `authorization`), an `apiKey` cookie scheme named
 * after `cookieName` when cookies are read.
 */
export function securitySchemes(options: ResolvedAuthOptions, names: { bearer: string; cookie: string }): Record<string, object> {
  const schemes: Record<string, object> = {};
  if (options.tokenSources.includes('header')) {
    schemes[names.bearer] =
      options.headerName === 'authorization'
        ? { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }
        : { type: 'apiKey', in: 'header', name: options.headerName, description: 'Bearer <token>' };
  }
  if (options.tokenSources.includes('cookie')) {
    schemes[names.cookie] = { type: 'apiKey', in: 'cookie', name: options.cookieName, description: 'The session token (JWT)' };
  }
  return schemes;
}

/**
 * Writes a route's policy into its operation: the security requirement (any one scheme; `{}` first
 * when the token is optional), the 401 / 403 / 503 responses a required route can give, and an
 * `x-nestjs-warden` extension with the policy. Responses the app documented itself are kept.
 */
export function operationSecurity(
  operation: OpenApiOperationLike,
  policy: AuthPolicy,
  options: ResolvedAuthOptions,
  schemeNames: string[],
  openapi: string,
  cookieScheme = 'cookie',
): void {
  const scopes = requiredScopes(policy);
  // OpenAPI 3.0 allows scopes only for OAuth2 / OpenID schemes; 3.1 allows role names for any scheme.
  const listed = /^3\.0\./.test(openapi) ? [] : scopes;
  // Only session tokens count from the cookie: a route for machine callers takes the header alone.
  const names = acceptsSessions(policy.acceptsToken ?? options.acceptsToken) ? schemeNames : schemeNames.filter((n) => n !== cookieScheme);
  const requirements = names.map((name) => ({ [name]: [...listed] }));
  operation.security = policy.mode === 'optional' ? [{}, ...requirements] : requirements;
  operation['x-nestjs-warden'] = {
    policy: policy.mode,
    ...(policy.acceptsToken ? { acceptsToken: policy.acceptsToken } : {}),
    ...(policy.check ? { check: { ...policy.check } } : {}),
    ...(scopes.length ? { scopes } : {}),
  };
  if (policy.mode === 'optional') return;
  const responses = (operation.responses ??= {});
  const realm = `Bearer realm="${options.realm}"`;
  const challenge = (description: string) => ({ 'WWW-Authenticate': { description, schema: { type: 'string' } } });
  responses['401'] ??= {
    description: 'Unauthorized: no token, or the token was refused',
    headers: challenge(`${realm}, with error="invalid_token" when a token was refused`),
  };
  if (policy.check || scopes.length > 0) {
    const checks = Object.entries(policy.check ?? {}).filter(([k]) => k !== 'scope' && k !== 'scopes');
    const needs = [...checks.map(([k, v]) => `${k} "${String(v)}"`), ...scopes.map((s) => `scope "${s}"`)];
    // What the guard sends with a 403 (RFC 6750 section 3.1): insufficient_scope, and the scopes the route needs.
    const scopeParameter = scopes.length > 0 ? `, scope="${scopes.join(' ')}"` : '';
    responses['403'] ??= {
      description: `Forbidden: signed in without ${needs.join(' and ')}`,
      headers: challenge(`${realm}, error="insufficient_scope"${scopeParameter}`),
    };
  }
  const unavailable = unavailableParts(options);
  if (unavailable.length > 0) {
    responses['503'] ??= {
      description: `Service Unavailable: ${unavailable.join(', or ')}; retry later`,
      headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
    };
  }
}

function acceptsSessions(accepts: AcceptsToken | undefined): boolean {
  if (accepts === undefined || accepts === 'any') return true;
  return typeof accepts === 'string' ? accepts === 'session_token' : accepts.includes('session_token');
}

/** Scopes a route requires, wherever the policy carries them (`scope`, `scopes`, or in its check). */
function requiredScopes(policy: AuthPolicy): string[] {
  const found: unknown[] = [];
  for (const holder of [policy as unknown as Record<string, unknown>, (policy.check ?? {}) as Record<string, unknown>]) {
    for (const key of ['scope', 'scopes']) {
      const value = holder[key];
      if (typeof value === 'string') found.push(...value.split(' '));
      else if (Array.isArray(value)) found.push(...(value as unknown[]).filter((scope): scope is string => typeof scope === 'string'));
    }
  }
  return [...new Set(found.filter((s): s is string => typeof s === 'string' && s !== ''))];
}

/**
 * What a valid token can find unavailable under these options (each a 503 with `Retry-After`, never a
 * 401): remote keys, the introspection endpoint or opaque-token hook, the revocation answer, the
 * `resolveIssuer` lookup. Empty when nothing can be: local keys and no remote check.
 */
function unavailableParts(options: ResolvedAuthOptions): string[] {
  const { issuers } = options;
  const parts: string[] = [];
  if (issuers.resolve !== undefined) parts.push('the issuer could not be looked up');
  const remoteKeys =
    issuers.resolve !== undefined || issuers.entries.some((entry) => entry.jwksUrl !== undefined || (!entry.jwks && !entry.jwtKey && !entry.secret));
  if (remoteKeys) parts.push("the issuer's keys could not be fetched");
  if (options.opaque?.introspection) parts.push('the introspection endpoint could not be reached');
  if (options.opaque?.verify) parts.push('the opaque token could not be checked (verifyOpaqueToken)');
  if (typeof options.isRevoked === 'function' || options.revocation !== undefined) parts.push('whether the token is revoked could not be checked');
  return parts;
}
