import { describe, expect, it } from '@jest/globals';
import type { IssuerResolver } from '../../config/issuer-options.js';
import type { IssuerConfig, ResolvedAuthOptions } from '../../config/resolved-options.js';
import type { RevocationStore } from '../../revocation/revocation-store.js';
import { configRefusal, expectConfigRefusal } from '../../config/config-error.spec-support.js';
import {
  BACKCHANNEL_LOGOUT_OPTIONS,
  DEFAULT_LOGOUT_TOKEN_AGE_SECONDS,
  logoutIssuers,
  resolveBackchannelLogoutOptions,
  type BackchannelLogoutOptions,
  type ResolvedBackchannelLogoutOptions,
} from './logout-options.js';

function expectRefused(options: unknown, option: string, problem: string): void {
  expectConfigRefusal(() => resolveBackchannelLogoutOptions(options as BackchannelLogoutOptions), option, problem);
}

const store = (): RevocationStore => ({ revoke: () => Promise.resolve(), isRevoked: () => false });
const AUDIENCE = 'expected the client id (or ids) the provider sends logout tokens for';
const ISSUERS = 'expected a non-empty list of issuers (exact iss values)';

describe('constants', () => {
  it('name the options by a global symbol, and default the token age to 120 s', () => {
    expect(BACKCHANNEL_LOGOUT_OPTIONS).toBe(Symbol.for('nestjs-warden:backchannel-logout-options'));
    expect(DEFAULT_LOGOUT_TOKEN_AGE_SECONDS).toBe(120);
  });
});

describe('resolveBackchannelLogoutOptions', () => {
  it('applies the defaults to an audience', () => {
    expect(resolveBackchannelLogoutOptions({ audience: 'client-1' })).toStrictEqual({
      audience: ['client-1'],
      issuers: undefined,
      requireLogoutTyp: false,
      revokeBy: 'sid',
      maxTokenAgeInSeconds: 120,
      revocation: undefined,
    });
  });

  it('takes every option', () => {
    const revocation = store();
    const resolved = resolveBackchannelLogoutOptions({
      audience: ['client-1', 'client-2'],
      issuers: ['https://a.example.com', 'https://b.example.com/'],
      requireLogoutTyp: true,
      revokeBy: 'sub',
      maxTokenAgeInSeconds: 30,
      revocation,
    });
    expect(resolved).toStrictEqual({
      audience: ['client-1', 'client-2'],
      issuers: ['https://a.example.com', 'https://b.example.com/'],
      requireLogoutTyp: true,
      revokeBy: 'sub',
      maxTokenAgeInSeconds: 30,
      revocation,
    });
    expect(resolved.revocation).toBe(revocation);
  });

  it('copies the audience and issuers lists', () => {
    const audience = ['client-1'];
    const issuers = ['https://a.example.com'];
    const resolved = resolveBackchannelLogoutOptions({ audience, issuers });
    audience.push('client-2');
    issuers.push('https://b.example.com');
    expect(resolved.audience).toEqual(['client-1']);
    expect(resolved.issuers).toEqual(['https://a.example.com']);
  });

  it('takes the explicit defaults', () => {
    expect(resolveBackchannelLogoutOptions({ audience: 'c', requireLogoutTyp: false, revokeBy: 'sid', maxTokenAgeInSeconds: 120 })).toStrictEqual({
      audience: ['c'],
      issuers: undefined,
      requireLogoutTyp: false,
      revokeBy: 'sid',
      maxTokenAgeInSeconds: 120,
      revocation: undefined,
    });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'client-1'],
    ['a number', 1],
    ['a function', () => ({ audience: 'c' })],
  ])('refuses options that are %s', (_, options) => {
    expectRefused(options, 'BackchannelLogoutModule', 'expected { audience }');
  });

  it('refuses an unknown option, naming it with the closest known one', () => {
    expectRefused({ audience: 'c', audiences: ['d'] }, 'audiences', 'unknown option "audiences" (did you mean "audience"?)');
    expectRefused({ audience: 'c', issuer: 'https://a' }, 'issuer', 'unknown option "issuer" (did you mean "issuers"?)');
    expectRefused({ audience: 'c', jwksUrl: 'https://a/jwks' }, 'jwksUrl', 'unknown option "jwksUrl"');
  });

  it.each([
    ['missing', {}],
    ['an empty string', { audience: '' }],
    ['an empty list', { audience: [] }],
    ['a list with an empty string', { audience: ['client-1', ''] }],
    ['a list with a number', { audience: ['client-1', 7] }],
    ['a list with null', { audience: [null] }],
    ['a number', { audience: 7 }],
    ['null', { audience: null }],
    ['an object', { audience: { 0: 'client-1' } }],
    ['an array of options', []],
  ])('refuses an audience that is %s', (_, options) => {
    expectRefused(options, 'audience', AUDIENCE);
  });

  it.each([
    ['an empty list', []],
    ['a string', 'https://a.example.com'],
    ['a list with an empty string', ['https://a.example.com', '']],
    ['a list with a number', [1]],
    ['null', null],
    ['an object', { 0: 'https://a.example.com' }],
  ])('refuses issuers that are %s', (_, issuers) => {
    expectRefused({ audience: 'c', issuers }, 'issuers', ISSUERS);
  });

  it.each([
    ['a string', 'true'],
    ['a number', 1],
    ['null', null],
  ])('refuses a requireLogoutTyp that is %s', (_, requireLogoutTyp) => {
    expectRefused({ audience: 'c', requireLogoutTyp }, 'requireLogoutTyp', 'expected true or false');
  });

  it.each([
    ['another claim', 'jti'],
    ['upper case', 'SID'],
    ['empty', ''],
    ['null', null],
  ])('refuses a revokeBy that is %s', (_, revokeBy) => {
    expectRefused({ audience: 'c', revokeBy }, 'revokeBy', "expected 'sid' or 'sub'");
  });

  it('takes any positive finite token age, fractions included', () => {
    expect(resolveBackchannelLogoutOptions({ audience: 'c', maxTokenAgeInSeconds: Number.MIN_VALUE }).maxTokenAgeInSeconds).toBe(Number.MIN_VALUE);
    expect(resolveBackchannelLogoutOptions({ audience: 'c', maxTokenAgeInSeconds: 0.5 }).maxTokenAgeInSeconds).toBe(0.5);
    expect(resolveBackchannelLogoutOptions({ audience: 'c', maxTokenAgeInSeconds: 1e9 }).maxTokenAgeInSeconds).toBe(1e9);
  });

  it.each([
    ['0', 0],
    ['-0', -0],
    ['negative', -1],
    ['NaN', Number.NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['a numeric string', '120'],
    ['null', null],
  ])('refuses a token age that is %s', (_, maxTokenAgeInSeconds) => {
    expectRefused({ audience: 'c', maxTokenAgeInSeconds }, 'maxTokenAgeInSeconds', 'expected a positive number of seconds');
  });

  it('takes a store of any class with revoke and isRevoked', () => {
    class Store {
      revoke(): Promise<void> {
        return Promise.resolve();
      }
      isRevoked(): boolean {
        return false;
      }
    }
    const revocation = new Store();
    expect(resolveBackchannelLogoutOptions({ audience: 'c', revocation }).revocation).toBe(revocation);
  });

  it.each([
    ['null', null],
    ['false', false],
    ['an object without methods', {}],
    ['a store without isRevoked', { revoke: () => Promise.resolve() }],
    ['a store without revoke', { isRevoked: () => false }],
    ['a store whose isRevoked is not a function', { revoke: () => Promise.resolve(), isRevoked: false }],
    ['a function with the methods', Object.assign(() => undefined, { revoke: () => Promise.resolve(), isRevoked: () => false })],
    ['a string', 'redis://h'],
  ])('refuses a revocation that is %s', (_, revocation) => {
    expectRefused({ audience: 'c', revocation }, 'revocation', 'expected a revocation store');
  });
});

/** The AuthModule's options as far as the issuers go: one entry per list (undefined: an entry without issuer). */
function auth(named: Array<string[] | undefined>, resolve?: IssuerResolver): ResolvedAuthOptions {
  const entries = named.map((issuer) => ({ issuer }) as IssuerConfig);
  return { issuers: { entries, resolve } } as ResolvedAuthOptions;
}

const logout = (issuers?: string[]): ResolvedBackchannelLogoutOptions => resolveBackchannelLogoutOptions({ audience: 'c', issuers });
const resolveIssuer: IssuerResolver = () => null;

describe('logoutIssuers', () => {
  it('is every issuer the AuthModule names, in order, when the module names none', () => {
    expect(logoutIssuers(logout(), auth([['https://a'], undefined, ['https://b', 'https://c']]))).toEqual(['https://a', 'https://b', 'https://c']);
    expect(logoutIssuers(logout(), auth([['https://a']], resolveIssuer))).toEqual(['https://a']);
  });

  it('refuses when neither names an issuer', () => {
    const problem = 'the AuthModule names no issuer (its `issuer` option): say which issuers may send logout tokens';
    for (const authOptions of [auth([]), auth([undefined]), auth([], resolveIssuer), auth([undefined, []])]) {
      const error = configRefusal(() => logoutIssuers(logout(), authOptions));
      expect([error.option, error.message]).toEqual(['issuers', `nestjs-warden: invalid option "issuers": ${problem}`]);
    }
  });

  it("is the module's issuers when the AuthModule trusts each of them", () => {
    const options = logout(['https://c', 'https://a']);
    expect(logoutIssuers(options, auth([['https://a'], undefined, ['https://b', 'https://c']]))).toEqual(['https://c', 'https://a']);
    expect(logoutIssuers(logout(['https://a']), auth([['https://a'], ['https://b']]))).toEqual(['https://a']);
  });

  it('refuses an issuer the AuthModule does not trust', () => {
    const problem = 'names an issuer the AuthModule does not trust: logout tokens are verified with its keys';
    for (const [issuers, authOptions] of [
      [['https://x'], auth([['https://a']])],
      [['https://a', 'https://x'], auth([['https://a']])],
      [['https://x', 'https://a'], auth([['https://a'], ['https://b']])],
      [['https://a/'], auth([['https://a']])],
      [['https://a'], auth([undefined])],
    ] as const) {
      const error = configRefusal(() => logoutIssuers(logout([...issuers]), authOptions));
      expect([error.option, error.message]).toEqual(['issuers', `nestjs-warden: invalid option "issuers": ${problem}`]);
    }
  });

  it("is the module's issuers as given when the AuthModule resolves issuers (any one it answers for)", () => {
    expect(logoutIssuers(logout(['https://x', 'https://a']), auth([['https://a']], resolveIssuer))).toEqual(['https://x', 'https://a']);
    expect(logoutIssuers(logout(['https://x']), auth([], resolveIssuer))).toEqual(['https://x']);
  });
});
