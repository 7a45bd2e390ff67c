import type { AuthModuleOptions } from '../config/auth-options.js';
import { scopeList, stringList, type AuthorizationMapper } from '../auth-object/authorization-grants.js';
import { providerBaseUrl, requiredString, type PresetPassthroughOptions } from './preset-url.js';

/** Options of {@link auth0}. */
export interface Auth0PresetOptions extends Omit<PresetPassthroughOptions, 'audience'> {
  /** The tenant domain (`example.us.auth0.com`) or your custom domain; a URL is accepted too. */
  domain: string;
  /** The API identifier your access tokens are issued for (required: Auth0 access tokens are per API). */
  audience: string | string[];
  /**
   * The namespaced custom claim an Action puts the user's roles in (e.g.
   * `'https://example.com/roles'`), so `has({ role })` works. Auth0 has no standard roles claim.
   */
  rolesClaim?: string;
}

/**
 * Module options for Auth0 access tokens: issuer `https://<domain>/` (with the trailing slash Auth0
 * uses), keys from `/.well-known/jwks.json`, RS256, `aud` checked. `has({ permission })` looks in
 * the RBAC `permissions` claim and in `scope`; `has({ role })` in `rolesClaim` when set.
 *
 * @example
 * AuthModule.forRoot({ ...auth0({ domain: 'example.us.auth0.com', audience: 'https://api.example.com' }), global: true })
 */
export function auth0(options: Auth0PresetOptions): AuthModuleOptions {
  const { domain, audience, rolesClaim, ...rest } = options;
  const base = providerBaseUrl('domain', domain);
  if (rolesClaim !== undefined) requiredString('rolesClaim', rolesClaim);
  const authorization: AuthorizationMapper = (claims) => ({
    roles: rolesClaim ? stringList(claims[rolesClaim]) : [],
    permissions: [...stringList(claims.permissions), ...scopeList(claims.scope)],
  });
  return {
    algorithms: ['RS256'],
    authorization,
    ...rest,
    jwksUrl: `${base}/.well-known/jwks.json`,
    issuer: `${base}/`,
    audience,
  };
}
