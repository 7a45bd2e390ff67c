import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { AuthError, AuthErrorReason } from '../auth.errors.js';

/**
 * The class of a verified token, with Clerk's names: a user's session, an OAuth access token, a
 * machine-to-machine token, an API key. The class decides which auth object a token becomes and
 * whether a route accepts it (`acceptsToken`).
 */
export type TokenType = 'session_token' | 'oauth_token' | 'm2m_token' | 'api_key';

/** The classes of machine callers: every {@link TokenType} but a session. */
export type MachineTokenType = Exclude<TokenType, 'session_token'>;

/**
 * What a route (or the module, or `AuthService.verifyToken`) accepts: one class, a list of them, or
 * `'any'` class. A token of another class is treated as signed out (`token-type-not-accepted`).
 *
 * @example
 * @RequireAuth({ acceptsToken: ['session_token', 'oauth_token'] })
 */
export type AcceptsToken = TokenType | readonly TokenType[] | 'any';

/** Every token class, in a fixed order. */
export const TOKEN_TYPES: readonly TokenType[] = Object.freeze(['session_token', 'oauth_token', 'm2m_token', 'api_key']);

/**
 * Clerk's token categories, the protected header `cat`: they tell apart the classes of JWT that one
 * Clerk instance signs with the same key. `ignore` is stamped by instances that turned categories
 * off: it tells nothing about a session or OAuth token, and `@clerk/backend` refuses it on an M2M token.
 */
export const CLERK_TOKEN_CATEGORIES = Object.freeze({
  session: 'cl_B7d4PD111AAA',
  jwtTemplate: 'cl_B7d4PD222AAA',
  m2m: 'cl_B7d4PD333AAA',
  ignore: 'cl_I7d4PD111III',
});

/**
 * Decides the class of a token that passed the signature and claim checks; null refuses it
 * (`token-invalid-type`). Option `classifyToken`, for issuers whose classes the built-in rules do
 * not know. It never sees a Clerk JWT-template token: those are refused before it is asked.
 *
 * @example
 * // Cognito: access tokens of the client-credentials grant are machines, the rest are users
 * classifyToken: (header, claims) => (claims.token_use === 'access' && claims.sub === claims.client_id ? 'm2m_token' : 'session_token')
 */
export type TokenClassifier = (header: JWTHeaderParameters, claims: JWTPayload) => TokenType | null;

const OAUTH_TYP = /^(?:application\/)?at\+jwt$/i;
const M2M_SUBJECT_PREFIX = 'mch_';

/**
 * The built-in rules, for any issuer:
 * - Clerk's header `cat`: session, M2M; a JWT template, an unknown or a non-string `cat` is refused;
 *   `cl_I7d4PD111III` or no `cat` leaves the class to the signs below;
 * - `typ: at+jwt` / `application/at+jwt` (any case, RFC 9068) is an OAuth access token;
 * - `sub` starting with `mch_` (case-sensitive) is a Clerk M2M token;
 * - contradicting signs refuse, as `@clerk/backend` refuses them: an M2M `cat` or subject with
 *   `typ: at+jwt`, a session `cat` on either, an M2M `cat` without an `mch_` subject, an `mch_`
 *   subject with the `ignore` `cat`;
 * - anything else is a session.
 *
 * @example
 * defaultTokenClass({ alg: 'RS256', typ: 'at+jwt' }, { sub: 'user_1' }) // 'oauth_token'
 */
export function defaultTokenClass(header: JWTHeaderParameters, claims: JWTPayload): TokenType | null {
  const cat = (header as { cat?: unknown }).cat;
  if (cat !== undefined && cat !== CLERK_TOKEN_CATEGORIES.ignore && cat !== CLERK_TOKEN_CATEGORIES.session && cat !== CLERK_TOKEN_CATEGORIES.m2m) {
    return null;
  }
  const oauth = typeof header.typ === 'string' && OAUTH_TYP.test(header.typ);
  const machineSubject = typeof claims.sub === 'string' && claims.sub.startsWith(M2M_SUBJECT_PREFIX);
  if (cat === CLERK_TOKEN_CATEGORIES.session) return oauth || machineSubject ? null : 'session_token';
  // Clerk's own pair: an M2M cat needs an mch_ subject, and an mch_ subject the M2M cat or none at all.
  if (cat === CLERK_TOKEN_CATEGORIES.m2m) return machineSubject && !oauth ? 'm2m_token' : null;
  if (machineSubject) return cat === undefined && !oauth ? 'm2m_token' : null;
  return oauth ? 'oauth_token' : 'session_token';
}

/**
 * The built-in rules plus Clerk's own header rule: session and M2M tokens carry `typ: JWT` or no
 * `typ` at all (as `@clerk/backend` requires); set by the `clerk()` preset.
 *
 * @example
 * clerkTokenClass({ alg: 'RS256', typ: 'id_token' }, { sub: 'user_1' }) // null: refused
 */
export function clerkTokenClass(header: JWTHeaderParameters, claims: JWTPayload): TokenType | null {
  const type = defaultTokenClass(header, claims);
  if ((type === 'session_token' || type === 'm2m_token') && header.typ !== undefined && header.typ !== 'JWT') return null;
  return type;
}

/**
 * The class of a verified token: a Clerk JWT template is refused whatever the classifier says, then
 * the classifier decides. Throws {@link AuthError} (`token-invalid-type`) when the token has no class
 * this library accepts, or the classifier throws or answers something that is not a class.
 */
export function classifyToken(classifier: TokenClassifier, header: JWTHeaderParameters, claims: JWTPayload): TokenType {
  if ((header as { cat?: unknown }).cat === CLERK_TOKEN_CATEGORIES.jwtTemplate) {
    throw new AuthError(AuthErrorReason.TokenInvalidType, 'a JWT template token is never accepted');
  }
  let type: unknown;
  try {
    // Stryker disable BlockStatement: (the catch block) an empty catch leaves type undefined, which the check below refuses exactly as null
    type = classifier(header, claims);
  } catch {
    type = null;
  }
  // Stryker restore BlockStatement
  if (typeof type !== 'string' || !(TOKEN_TYPES as readonly string[]).includes(type)) {
    throw new AuthError(AuthErrorReason.TokenInvalidType, 'the token is of no accepted class');
  }
  return type as TokenType;
}

/**
 * Whether `accepts` admits a token of class `type`.
 *
 * @example
 * isTokenTypeAccepted('m2m_token', ['session_token', 'm2m_token']) // true
 */
export function isTokenTypeAccepted(type: TokenType, accepts: AcceptsToken): boolean {
  if (accepts === 'any') return true;
  return typeof accepts === 'string' ? accepts === type : accepts.includes(type);
}

/**
 * Checks an `acceptsToken` value where it is configured (a module option, a decorator): one class,
 * a non-empty list of classes, or `'any'`. Returns a frozen copy; throws an Error naming `where`.
 */
export function checkAcceptsToken(value: unknown, where: string): AcceptsToken {
  if (value === 'any' || (typeof value === 'string' && (TOKEN_TYPES as readonly string[]).includes(value))) return value as AcceptsToken;
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    // Stryker disable next-line ConditionalExpression: TOKEN_TYPES holds only strings, so includes() is already false for anything else
    value.every((v) => typeof v === 'string' && (TOKEN_TYPES as readonly string[]).includes(v))
  ) {
    return Object.freeze([...new Set(value as TokenType[])]);
  }
  throw new TypeError(`${where}: expected 'any', one of ${TOKEN_TYPES.map((t) => `'${t}'`).join(', ')}, or a non-empty list of them`);
}

/** The one machine class `accepts` names, or undefined when it admits sessions or several classes. */
export function singleMachineClass(accepts: AcceptsToken): MachineTokenType | undefined {
  const only = typeof accepts === 'string' ? accepts : accepts.length === 1 ? accepts[0] : undefined;
  // Stryker disable next-line ConditionalExpression: an undefined `only` is neither 'any' nor 'session_token', so it is returned as undefined either way
  return only === undefined || only === 'any' || only === 'session_token' ? undefined : only;
}
