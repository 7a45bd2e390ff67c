import { type AuthModuleOptions } from '../config/auth-options.js';
import { AuthConfigError } from '../config/auth-config-error.js';
import { clerkTokenClass } from '../verification/token-class.js';
import { providerBaseUrl, type PresetPassthroughOptions } from './preset-url.js';

/** Options of {@link clerk}: exactly one of `publishableKey` and `frontendApi`. */
export interface ClerkPresetOptions extends PresetPassthroughOptions {
  /** `pk_live_…` / `pk_test_…`: the Frontend API host, base64-encoded with a trailing `$`. */
  publishableKey?: string;
  /** The Frontend API host (`clerk.example.com`, `example.clerk.accounts.dev`) or its URL. */
  frontendApi?: string;
  /** Clerk's "JWKS Public Key" (PEM) from the dashboard: verify with no network at all. */
  jwtKey?: string;
}

/**
 * Decodes a Clerk publishable key into its Frontend API host.
 *
 * @example
 * frontendApiFromPublishableKey('pk_test_ZXhhbXBsZS5jbGVyay5hY2NvdW50cy5kZXYk') // 'example.clerk.accounts.dev'
 */
export function frontendApiFromPublishableKey(publishableKey: string): string {
  const match = /^pk_(?:test|live)_([A-Za-z0-9+/=_-]+)$/.exec(typeof publishableKey === 'string' ? publishableKey : '');
  const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  if (!decoded.endsWith('$') || decoded.length < 2) {
    throw new AuthConfigError('publishableKey', 'expected a Clerk publishable key (pk_test_… or pk_live_…)');
  }
  return decoded.slice(0, -1);
}

/**
 * Module options for Clerk session tokens: the issuer is the Frontend API URL and the keys are its
 * `/.well-known/jwks.json` (or `jwtKey`), RS256 only. Unlike Clerk's own SDK, `iss` is checked.
 * Token classes follow Clerk ({@link clerkTokenClass}): a session or M2M token must carry `typ: JWT`
 * or none, a JWT template is never accepted; routes accept sessions unless `acceptsToken` says more.
 * Pass `authorizedParties` (your app's origins) as Clerk recommends. Session cookies follow Clerk's
 * rules (`clerkCookies`): `__client_uat`, and with `publishableKey` the suffixed cookie names.
 *
 * @example
 * AuthModule.forRoot({
 *   ...clerk({ publishableKey: process.env.CLERK_PUBLISHABLE_KEY, authorizedParties: ['https://app.example.com'] }),
 *   global: true,
 * })
 */
export function clerk(options: ClerkPresetOptions): AuthModuleOptions {
  const { publishableKey, frontendApi, jwtKey, ...rest } = options;
  if ((publishableKey === undefined) === (frontendApi === undefined)) {
    throw new AuthConfigError('publishableKey', 'set exactly one of publishableKey and frontendApi');
  }
  const issuer =
    publishableKey !== undefined
      ? providerBaseUrl('publishableKey', frontendApiFromPublishableKey(publishableKey))
      : providerBaseUrl('frontendApi', frontendApi);
  const keys = jwtKey !== undefined ? { jwtKey } : { jwksUrl: `${issuer}/.well-known/jwks.json` };
  // Clerk's cookie rules: with the publishable key, also the suffixed cookies of apps sharing a domain.
  const clerkCookies = publishableKey !== undefined ? { publishableKey } : true;
  return { algorithms: ['RS256'], classifyToken: clerkTokenClass, clerkCookies, ...rest, ...keys, issuer };
}
