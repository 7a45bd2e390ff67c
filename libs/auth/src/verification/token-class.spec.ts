import { describe, expect, it } from '@jest/globals';
import type { JWTHeaderParameters } from 'jose';
import { AuthError } from '../auth.errors.js';
import {
  CLERK_TOKEN_CATEGORIES as CAT,
  checkAcceptsToken,
  classifyToken,
  clerkTokenClass,
  defaultTokenClass,
  isTokenTypeAccepted,
  singleMachineClass,
  TOKEN_TYPES,
  type TokenClassifier,
} from './token-class.js';

const header = (extra: Record<string, unknown> = {}): JWTHeaderParameters => ({ alg: 'RS256', ...extra });
const user = { sub: 'user_1' };
const machine = { sub: 'mch_1' };

describe('defaultTokenClass', () => {
  it.each([
    ['no cat, no typ', {}, user, 'session_token'],
    ['typ JWT', { typ: 'JWT' }, user, 'session_token'],
    ['typ of another issuer (id_token)', { typ: 'id_token' }, user, 'session_token'],
    ['session cat', { cat: CAT.session, typ: 'JWT' }, user, 'session_token'],
    ['ignore cat', { cat: CAT.ignore }, user, 'session_token'],
    ['at+jwt', { typ: 'at+jwt' }, user, 'oauth_token'],
    ['AT+JWT', { typ: 'AT+JWT' }, user, 'oauth_token'],
    ['application/at+jwt', { typ: 'application/at+jwt' }, user, 'oauth_token'],
    ['Application/At+Jwt', { typ: 'Application/At+Jwt' }, user, 'oauth_token'],
    ['at+jwt with the ignore cat', { typ: 'at+jwt', cat: CAT.ignore }, user, 'oauth_token'],
    ['mch_ subject', {}, machine, 'm2m_token'],
    ['m2m cat', { cat: CAT.m2m, typ: 'JWT' }, machine, 'm2m_token'],
  ])('%s', (_name, extra, claims, expected) => {
    expect(defaultTokenClass(header(extra), claims)).toBe(expected);
  });

  it.each([
    ['at+jwt+x is not at+jwt', { typ: 'at+jwt+x' }, user, 'session_token'],
    ['x-at+jwt is not at+jwt', { typ: 'x-at+jwt' }, user, 'session_token'],
  ])('%s', (_name, extra, claims, expected) => {
    expect(defaultTokenClass(header(extra), claims)).toBe(expected);
  });

  it.each([
    ['a JWT template', { cat: CAT.jwtTemplate }, user],
    ['an unknown cat', { cat: 'cl_B7d4PD999ZZZ' }, user],
    ['a cat that is not a string', { cat: 1 }, user],
    ['a session cat on an at+jwt token', { cat: CAT.session, typ: 'at+jwt' }, user],
    ['a session cat on an mch_ subject', { cat: CAT.session }, machine],
    ['an m2m cat on an at+jwt token', { cat: CAT.m2m, typ: 'at+jwt' }, machine],
    ['an mch_ subject on an at+jwt token', { typ: 'at+jwt' }, machine],
    // Clerk refuses these too: an M2M cat needs an mch_ subject, an mch_ subject the M2M cat or none.
    ['an m2m cat on a user_ subject', { cat: CAT.m2m }, user],
    ['an m2m cat on an MCH_ subject (the prefix is case-sensitive)', { cat: CAT.m2m }, { sub: 'MCH_1' }],
    ['an m2m cat on an org_ subject', { cat: CAT.m2m, typ: 'JWT' }, { sub: 'org_1' }],
    ['an m2m cat without a subject string', { cat: CAT.m2m }, { sub: 1 } as never],
    ['an mch_ subject with the ignore cat', { cat: CAT.ignore }, machine],
  ])('refuses %s', (_name, extra, claims) => {
    expect(defaultTokenClass(header(extra), claims)).toBeNull();
  });
});

describe('clerkTokenClass', () => {
  it('requires typ JWT or none on sessions and M2M tokens, as @clerk/backend', () => {
    expect(clerkTokenClass(header(), user)).toBe('session_token');
    expect(clerkTokenClass(header({ typ: 'JWT' }), user)).toBe('session_token');
    expect(clerkTokenClass(header({ typ: 'JWT' }), machine)).toBe('m2m_token');
    for (const typ of ['jwt', 'id_token', 'Bearer', '']) {
      expect(clerkTokenClass(header({ typ }), user)).toBeNull();
      expect(clerkTokenClass(header({ typ }), machine)).toBeNull();
    }
    expect(clerkTokenClass(header({ typ: 'application/at+jwt' }), user)).toBe('oauth_token');
    expect(clerkTokenClass(header({ cat: CAT.jwtTemplate, typ: 'JWT' }), user)).toBeNull();
  });
});

describe('classifyToken', () => {
  it('refuses a JWT template whatever the classifier says', () => {
    const always: TokenClassifier = () => 'session_token';
    expect(() => classifyToken(always, header({ cat: CAT.jwtTemplate }), user)).toThrow(AuthError);
    expect(classifyToken(always, header({ cat: 'anything' }), user)).toBe('session_token');
  });

  it('refuses null, a throw, or an answer that is not a class, as token-invalid-type', () => {
    for (const classifier of [
      () => null,
      () => 'id_token',
      () => 42,
      () => {
        throw new Error('boom');
      },
    ] as unknown as TokenClassifier[]) {
      try {
        classifyToken(classifier, header(), user);
        throw new Error('expected a refusal');
      } catch (error) {
        expect((error as AuthError).reason).toBe('token-invalid-type');
      }
    }
    expect(classifyToken(() => 'api_key', header(), user)).toBe('api_key');
  });
});

describe('acceptsToken values', () => {
  it('accepts a class, a list, or any', () => {
    expect(isTokenTypeAccepted('m2m_token', 'any')).toBe(true);
    expect(isTokenTypeAccepted('m2m_token', 'session_token')).toBe(false);
    expect(isTokenTypeAccepted('m2m_token', ['session_token', 'm2m_token'])).toBe(true);
    expect(isTokenTypeAccepted('oauth_token', ['session_token', 'm2m_token'])).toBe(false);
  });

  it('checks values where they are configured', () => {
    expect(checkAcceptsToken(['m2m_token', 'm2m_token'], 'x')).toEqual(['m2m_token']);
    for (const bad of [undefined, null, '', 'id_token', [], ['any'], ['session_token', 'jwt'], 7]) {
      expect(() => checkAcceptsToken(bad, 'acceptsToken')).toThrow(/acceptsToken/);
    }
  });

  it('names the one machine class a route accepts', () => {
    expect(singleMachineClass('m2m_token')).toBe('m2m_token');
    expect(singleMachineClass(['api_key'])).toBe('api_key');
    expect(singleMachineClass('session_token')).toBeUndefined();
    expect(singleMachineClass(['m2m_token', 'oauth_token'])).toBeUndefined();
    expect(singleMachineClass('any')).toBeUndefined();
  });
});

describe('token classes, value by value', () => {
  it("uses Clerk's category values and names, in a fixed order, frozen", () => {
    expect(CAT).toEqual({ session: 'cl_B7d4PD111AAA', jwtTemplate: 'cl_B7d4PD222AAA', m2m: 'cl_B7d4PD333AAA', ignore: 'cl_I7d4PD111III' });
    expect(TOKEN_TYPES).toEqual(['session_token', 'oauth_token', 'm2m_token', 'api_key']);
    expect(Object.isFrozen(CAT)).toBe(true);
    expect(Object.isFrozen(TOKEN_TYPES)).toBe(true);
  });

  it('reads the literal Clerk headers', () => {
    expect(defaultTokenClass(header({ cat: 'cl_B7d4PD111AAA' }), machine)).toBeNull();
    expect(defaultTokenClass(header({ cat: 'cl_B7d4PD333AAA' }), machine)).toBe('m2m_token');
    expect(defaultTokenClass(header({ cat: 'cl_B7d4PD333AAA' }), user)).toBeNull();
    expect(defaultTokenClass(header({ cat: 'cl_I7d4PD111III' }), machine)).toBeNull();
    expect(defaultTokenClass(header({ cat: 'cl_I7d4PD111III' }), user)).toBe('session_token');
    expect(defaultTokenClass(header({ cat: 'cl_B7d4PD222AAA' }), user)).toBeNull();
    expect(() => classifyToken(() => 'session_token', header({ cat: 'cl_B7d4PD222AAA' }), user)).toThrow(
      expect.objectContaining({ reason: 'token-invalid-type', message: 'a JWT template token is never accepted' }),
    );
  });

  it('takes no class information from a typ or sub that is not a string, or a sub that only contains mch_', () => {
    expect(defaultTokenClass(header({ typ: 1 }), user)).toBe('session_token');
    expect(defaultTokenClass(header(), { sub: ['mch_1'] } as never)).toBe('session_token');
    expect(defaultTokenClass(header(), { sub: 'user_mch_1' })).toBe('session_token');
    expect(defaultTokenClass(header(), {})).toBe('session_token');
  });

  it('lets clerkTokenClass pass refusals and OAuth tokens through as they are', () => {
    expect(clerkTokenClass(header({ cat: 'unknown' }), user)).toBeNull();
    expect(clerkTokenClass(header({ typ: 'at+jwt' }), user)).toBe('oauth_token');
    expect(clerkTokenClass(header({ cat: CAT.m2m }), machine)).toBe('m2m_token');
    expect(clerkTokenClass(header({ cat: CAT.m2m }), user)).toBeNull();
    expect(clerkTokenClass(header({ cat: CAT.m2m, typ: 'id_token' }), machine)).toBeNull();
  });

  it('gives the classifier the header and claims, and says why it refuses its answer', () => {
    const seen: unknown[] = [];
    const h = header({ kid: 'k' });
    classifyToken(
      (given, claims) => {
        seen.push(given, claims);
        return 'm2m_token';
      },
      h,
      machine,
    );
    expect(seen[0]).toBe(h);
    expect(seen[1]).toBe(machine);
    for (const answer of ['any', '', 'SESSION_TOKEN', undefined]) {
      expect(() => classifyToken(() => answer as never, header(), user)).toThrow(
        expect.objectContaining({ reason: 'token-invalid-type', message: 'the token is of no accepted class' }),
      );
    }
    for (const type of TOKEN_TYPES) expect(classifyToken(() => type, header(), user)).toBe(type);
  });

  it('checks acceptsToken values exactly, naming where and listing the classes', () => {
    expect(checkAcceptsToken('any', 'x')).toBe('any');
    for (const type of TOKEN_TYPES) expect(checkAcceptsToken(type, 'x')).toBe(type);
    const list = ['oauth_token', 'api_key'];
    const checked = checkAcceptsToken(list, 'x');
    expect(checked).toEqual(['oauth_token', 'api_key']);
    expect(checked).not.toBe(list);
    expect(Object.isFrozen(checked)).toBe(true);
    expect(() => checkAcceptsToken(['m2m_token', 5], '@RequireAuth({ acceptsToken })')).toThrow(
      new TypeError(
        "@RequireAuth({ acceptsToken }): expected 'any', one of 'session_token', 'oauth_token', 'm2m_token', 'api_key', or a non-empty list of them",
      ),
    );
  });

  it('accepts by exact class, in a list or alone', () => {
    expect(isTokenTypeAccepted('session_token', 'session_token')).toBe(true);
    expect(isTokenTypeAccepted('api_key', ['api_key'])).toBe(true);
    expect(isTokenTypeAccepted('api_key', [])).toBe(false);
    // Never as a substring of a value that was not checked
    expect(isTokenTypeAccepted('session_token', 'session_tokens' as never)).toBe(false);
    expect(isTokenTypeAccepted('m2m_token', 'not_m2m_token' as never)).toBe(false);
  });

  it('names no single machine class for a list holding a session, or an empty list', () => {
    expect(singleMachineClass(['session_token'])).toBeUndefined();
    expect(singleMachineClass([])).toBeUndefined();
    expect(singleMachineClass('oauth_token')).toBe('oauth_token');
    expect(singleMachineClass(['m2m_token'])).toBe('m2m_token');
  });
});
