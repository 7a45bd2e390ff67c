import { type AuthModuleOptions, type ClaimsCheck } from '../config/auth-options.js';
import { AuthConfigError } from '../config/auth-config-error.js';
import { AuthErrorReason } from '../auth.errors.js';
import { scopeList, stringList, type AuthorizationMapper } from '../auth-object/authorization-grants.js';
import { combineChecks, providerBaseUrl, requiredString, type PresetPassthroughOptions } from './preset-url.js';

/** Options of {@link cognito}. */
export interface CognitoPresetOptions extends Omit<PresetPassthroughOptions, 'audience'> {
  /** AWS region of the user pool, e.g. `'eu-west-1'`. */
  region: string;
  /** The user pool id, e.g. `'eu-west-1_AbCdEf123'`. */
  userPoolId: string;
  /** App client id(s) allowed: `client_id` of access tokens, `aud` of ID tokens. */
  clientId: string | string[];
  /** Which Cognito token the API accepts. Default `'access'` (what an API should receive). */
  tokenUse?: 'access' | 'id';
  /** Replaces `https://cognito-idp.<region>.amazonaws.com`, e.g. a local emulator on localhost. */
  endpoint?: string;
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/**
 * Module options for Amazon Cognito user pool tokens: issuer
 * `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`, keys from its `/.well-known/jwks.json`,
 * RS256. Checks `token_use` and the app client (`client_id` of an access token, `aud` of an ID
 * token), which Cognito's tokens need and a bare OIDC check would miss. `has({ role })` looks in
 * `cognito:groups`, `has({ permission })` in `scope`.
 *
 * @example
 * AuthModule.forRoot({
 *   ...cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEf123', clientId: '4k2j…', tokenUse: 'access' }),
 *   global: true,
 * })
 */
export function cognito(options: CognitoPresetOptions): AuthModuleOptions {
  const { region, userPoolId, clientId, tokenUse = 'access', endpoint, checkClaims, ...rest } = options;
  requiredString('region', region, REGION);
  requiredString('userPoolId', userPoolId, /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}_[A-Za-z0-9]+$/);
  if (!userPoolId.startsWith(`${region}_`)) throw new AuthConfigError('userPoolId', `must belong to region ${region}`);
  const clientIds = typeof clientId === 'string' ? [clientId] : clientId;
  if (!Array.isArray(clientIds) || clientIds.length === 0 || clientIds.some((c) => typeof c !== 'string' || c === '')) {
    throw new AuthConfigError('clientId', 'expected a non-empty string or a non-empty list of them');
  }
  if (tokenUse !== 'access' && tokenUse !== 'id') throw new AuthConfigError('tokenUse', "expected 'access' or 'id'");
  const base = endpoint === undefined ? `https://cognito-idp.${region}.amazonaws.com` : providerBaseUrl('endpoint', endpoint);
  const issuer = `${base}/${userPoolId}`;

  const tokenCheck: ClaimsCheck = (claims) => {
    if (claims.token_use !== tokenUse) return AuthErrorReason.TokenInvalidType;
    if (tokenUse === 'access' && !(typeof claims.client_id === 'string' && clientIds.includes(claims.client_id))) {
      return AuthErrorReason.TokenInvalidAudience;
    }
    return null;
  };
  const authorization: AuthorizationMapper = (claims) => ({
    roles: stringList(claims['cognito:groups']),
    permissions: scopeList(claims.scope),
  });
  return {
    algorithms: ['RS256'],
    authorization,
    ...rest,
    ...(tokenUse === 'id' ? { audience: clientIds } : {}),
    checkClaims: combineChecks(tokenCheck, checkClaims),
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    issuer,
  };
}
