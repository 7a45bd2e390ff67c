import { type AuthModuleOptions, type ClaimsCheck } from '../config/auth-options.js';
import { AuthConfigError } from '../config/auth-config-error.js';
import { AuthErrorReason } from '../auth.errors.js';
import { scopeList, stringList, type AuthorizationMapper } from '../auth-object/authorization-grants.js';
import { combineChecks, providerBaseUrl, requiredString, type PresetPassthroughOptions } from './preset-url.js';

/** Options of {@link keycloak}. */
export interface KeycloakPresetOptions extends PresetPassthroughOptions {
  /** The server URL, e.g. `'https://auth.example.com'` (with `/auth` for Keycloak before 17). */
  baseUrl: string;
  /** The realm name. */
  realm: string;
}

/**
 * Module options for Keycloak access tokens: issuer `<baseUrl>/realms/<realm>`, keys from
 * `/protocol/openid-connect/certs`, RS256. Only access tokens (`typ: "Bearer"` in the payload) are
 * accepted: ID and refresh tokens are refused. `has({ role: 'admin' })` looks in the realm roles
 * (`realm_access.roles`), `has({ role: 'my-client:editor' })` in a client's roles
 * (`resource_access`), `has({ permission })` in `scope`.
 *
 * `audience` (this API's client id in `aud`, via an "Audience" mapper) or `authorizedParties` (the
 * client ids in `azp`) is required: a realm signs the tokens of all its clients, the account console
 * included, with one key, so without either any of them would be accepted.
 *
 * @example
 * AuthModule.forRoot({ ...keycloak({ baseUrl: 'https://auth.example.com', realm: 'acme', audience: 'orders-api' }), global: true })
 */
export function keycloak(options: KeycloakPresetOptions): AuthModuleOptions {
  const { baseUrl, realm, checkClaims, ...rest } = options;
  const base = providerBaseUrl('baseUrl', baseUrl);
  requiredString('realm', realm, /^[^/?#\s]+$/);
  const issuer = `${base}/realms/${realm}`;
  // A realm signs tokens for every client in it (the account console, other apps) with one key:
  // only aud or azp tells which were meant for this API.
  if (rest.audience === undefined && rest.authorizedParties === undefined) {
    throw new AuthConfigError(
      'audience',
      "keycloak() needs audience (this API's client id in aud) or authorizedParties (the client ids in azp): " +
        'without either, a token the realm issued to any client is accepted',
    );
  }

  const accessTokenOnly: ClaimsCheck = (claims) =>
    typeof claims.typ === 'string' && claims.typ.toLowerCase() === 'bearer' ? null : AuthErrorReason.TokenInvalidType;
  return {
    algorithms: ['RS256'],
    authorization: keycloakGrants,
    ...rest,
    checkClaims: combineChecks(accessTokenOnly, checkClaims),
    jwksUrl: `${issuer}/protocol/openid-connect/certs`,
    issuer,
  };
}

/** Realm roles as they are, client roles as `<clientId>:<role>`, scopes as permissions. */
const keycloakGrants: AuthorizationMapper = (claims) => {
  const realmAccess = claims.realm_access as { roles?: unknown } | undefined;
  const roles = stringList(realmAccess?.roles);
  const resourceAccess = claims.resource_access;
  if (resourceAccess && typeof resourceAccess === 'object' && !Array.isArray(resourceAccess)) {
    for (const [client, access] of Object.entries(resourceAccess as Record<string, { roles?: unknown } | null>)) {
      for (const role of stringList(access?.roles)) roles.push(`${client}:${role}`);
    }
  }
  return { roles, permissions: scopeList(claims.scope) };
};
