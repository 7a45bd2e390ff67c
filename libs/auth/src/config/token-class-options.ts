import { AuthConfigError } from './auth-config-error.js';
import { checkAcceptsToken, type AcceptsToken } from '../verification/token-class.js';

const RFC9068_TYP = /^(?:application\/)?at\+jwt$/i;

/**
 * Option `acceptsToken`, checked: one class, a non-empty list of classes, or `'any'`. When absent,
 * `'session_token'`; or `'oauth_token'` when option `typ` already requires RFC 9068 access tokens,
 * which would otherwise refuse every token. Throws {@link AuthConfigError} naming the option.
 */
export function acceptsTokenOption(value: unknown, typ: unknown): AcceptsToken {
  if (value === undefined) return typeof typ === 'string' && RFC9068_TYP.test(typ) ? 'oauth_token' : 'session_token';
  try {
    return checkAcceptsToken(value, 'acceptsToken');
  } catch (error) {
    // Stryker disable next-line Regex: checkAcceptsToken's only message starts with "acceptsToken: " and holds it nowhere else, so the anchor changes nothing
    throw new AuthConfigError('acceptsToken', (error as Error).message.replace(/^acceptsToken: /, ''));
  }
}
