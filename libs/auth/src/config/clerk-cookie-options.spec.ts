import { describe, expect, it } from '@jest/globals';
import type { ClerkCookieRules } from '../token/clerk-cookies.js';
import { clerkCookieSuffix, clerkCookiesOption, moduleClerkCookies } from './clerk-cookie-options.js';
import type { IssuerConfig } from './resolved-options.js';
import { expectConfigRefusal } from './config-error.spec-support.js';

// Publishable keys of two instances: base64 of `<frontend API>$`. The suffixes are those
// `@clerk/shared`'s getCookieSuffix gives them (checked against it once, written down here).
const LIVE = 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k'; // clerk.example.com
const LIVE_SUFFIX = 'naoXFJnI';
const TEST = 'pk_test_ZXhhbXBsZS5jbGVyay5hY2NvdW50cy5kZXYk'; // example.clerk.accounts.dev
const TEST_SUFFIX = 'PWKyINQF';
const UNSUFFIXED: ClerkCookieRules = { suffix: undefined, frontendApi: undefined, development: false };
const NOT_A_KEY = 'expected a Clerk publishable key (pk_test_… or pk_live_…)';

function expectRefused(run: () => unknown, option: string, problem: string): void {
  expectConfigRefusal(run, option, problem);
}

describe('clerkCookieSuffix', () => {
  it("is the first eight characters of the base64url SHA-1 of the key, as Clerk's", () => {
    expect(clerkCookieSuffix(LIVE)).toBe(LIVE_SUFFIX);
    expect(clerkCookieSuffix(TEST)).toBe(TEST_SUFFIX);
  });

  it('uses the URL-safe alphabet (no +, / or =)', () => {
    // sha1('a') = hvfkN/qlp/zhXR3cuerq6jd2Z7g= in base64: its first eight characters hold a '/'.
    expect(clerkCookieSuffix('a')).toBe('hvfkN_ql');
    expect(clerkCookieSuffix('')).toBe('2jmj7l5r');
  });
});

describe('clerkCookiesOption', () => {
  it('is off when not given or false', () => {
    expect(clerkCookiesOption(undefined)).toBeUndefined();
    expect(clerkCookiesOption(false)).toBeUndefined();
  });

  it('is the unsuffixed rules for true', () => {
    expect(clerkCookiesOption(true)).toStrictEqual(UNSUFFIXED);
  });

  it('is the rules of a production instance for its publishable key: the suffix, the Frontend API, not development', () => {
    expect(clerkCookiesOption({ publishableKey: LIVE })).toStrictEqual({ suffix: LIVE_SUFFIX, frontendApi: 'clerk.example.com', development: false });
  });

  it('is the rules of a development instance for a pk_test_ key', () => {
    expect(clerkCookiesOption({ publishableKey: TEST })).toStrictEqual({ suffix: TEST_SUFFIX, frontendApi: 'example.clerk.accounts.dev', development: true });
  });

  it('tells development by the pk_test_ prefix only', () => {
    // The same frontend API under both prefixes.
    const live = `pk_live_${Buffer.from('clerk.example.com$').toString('base64')}`;
    const test = `pk_test_${Buffer.from('clerk.example.com$').toString('base64')}`;
    expect(clerkCookiesOption({ publishableKey: live })?.development).toBe(false);
    expect(clerkCookiesOption({ publishableKey: test })?.development).toBe(true);
  });

  it.each([
    ['null', null],
    ['a string', LIVE],
    ['a number', 1],
    ['an array', [{ publishableKey: LIVE }]],
    ['an empty array', []],
  ])('refuses %s', (_, value) => {
    expectRefused(() => clerkCookiesOption(value), 'clerkCookies', 'expected true, false or { publishableKey }');
  });

  it('refuses an unknown member, naming it', () => {
    expectRefused(() => clerkCookiesOption({ publishableKey: LIVE, suffix: 'x' }), 'clerkCookies.suffix', 'is not an option of clerkCookies (publishableKey)');
    expectRefused(() => clerkCookiesOption({ publishablekey: LIVE }), 'clerkCookies.publishablekey', 'is not an option of clerkCookies (publishableKey)');
  });

  it('names an unknown member by its first 32 characters', () => {
    const long = `${'a'.repeat(32)}bcdef`;
    expectRefused(() => clerkCookiesOption({ [long]: 1 }), `clerkCookies.${'a'.repeat(32)}`, 'is not an option of clerkCookies (publishableKey)');
  });

  it.each([
    ['missing', {}],
    ['undefined', { publishableKey: undefined }],
    ['a number', { publishableKey: 42 }],
    ['an array holding a key', { publishableKey: [LIVE] }],
    ['empty', { publishableKey: '' }],
    ['a secret key', { publishableKey: 'sk_live_Y2xlcmsuZXhhbXBsZS5jb20k' }],
    ['a key without the final $', { publishableKey: `pk_live_${Buffer.from('clerk.example.com').toString('base64')}` }],
    ['a key that is only a prefix', { publishableKey: 'pk_test_' }],
  ])('refuses a publishable key that is %s', (_, value) => {
    expectRefused(() => clerkCookiesOption(value), 'clerkCookies.publishableKey', NOT_A_KEY);
  });
});

/** An issuer entry as far as the cookie rules go. */
function entry(label: string, clerkCookies: ClerkCookieRules | undefined): IssuerConfig {
  return { label, clerkCookies } as IssuerConfig;
}

const live = (): ClerkCookieRules => ({ suffix: LIVE_SUFFIX, frontendApi: 'clerk.example.com', development: false });
const test = (): ClerkCookieRules => ({ suffix: TEST_SUFFIX, frontendApi: 'example.clerk.accounts.dev', development: true });

describe('moduleClerkCookies', () => {
  it('is off without entries, unless the module resolves issuers: then the unsuffixed rules', () => {
    expect(moduleClerkCookies([], false)).toBeUndefined();
    expect(moduleClerkCookies([], true)).toStrictEqual(UNSUFFIXED);
  });

  it('is off when no entry uses the cookies, unless the module resolves issuers', () => {
    const entries = [entry('issuers[0]', undefined), entry('issuers[1]', undefined)];
    expect(moduleClerkCookies(entries, false)).toBeUndefined();
    expect(moduleClerkCookies(entries, true)).toStrictEqual(UNSUFFIXED);
  });

  it('is the rules of the one entry that uses them, wherever it is, resolving issuers or not', () => {
    const rules = live();
    const entries = [entry('issuers[0]', undefined), entry('issuers[1]', rules), entry('issuers[2]', undefined)];
    expect(moduleClerkCookies(entries, false)).toBe(rules);
    expect(moduleClerkCookies(entries, true)).toBe(rules);
    const unsuffixed = { ...UNSUFFIXED };
    expect(moduleClerkCookies([entry('', unsuffixed)], true)).toBe(unsuffixed);
  });

  it('is the rules of the first of several entries of the same instance', () => {
    const first = live();
    const second = { ...live(), development: true };
    expect(moduleClerkCookies([entry('issuers[0]', first), entry('issuers[1]', undefined), entry('issuers[2]', second)], false)).toBe(first);
    const plain = { ...UNSUFFIXED };
    expect(moduleClerkCookies([entry('issuers[0]', plain), entry('issuers[1]', { ...UNSUFFIXED })], false)).toBe(plain);
  });

  it('refuses entries of two instances, naming the second and the first', () => {
    expectRefused(
      () => moduleClerkCookies([entry('issuers[0]', live()), entry('issuers[1]', undefined), entry('issuers[2]', test())], false),
      'issuers[2].clerkCookies',
      "names another Clerk instance's cookies than issuers[0]: one API reads the session cookies of one instance",
    );
  });

  it('refuses suffixed rules next to unsuffixed ones, either way round', () => {
    expectRefused(
      () => moduleClerkCookies([entry('issuers[0]', { ...UNSUFFIXED }), entry('issuers[1]', live())], true),
      'issuers[1].clerkCookies',
      "names another Clerk instance's cookies than issuers[0]: one API reads the session cookies of one instance",
    );
    expectRefused(
      () => moduleClerkCookies([entry('issuers[0]', live()), entry('issuers[1]', { ...UNSUFFIXED })], false),
      'issuers[1].clerkCookies',
      "names another Clerk instance's cookies than issuers[0]: one API reads the session cookies of one instance",
    );
  });

  it("calls an entry without label by the option alone, and a first one without label 'the module'", () => {
    expectRefused(
      () => moduleClerkCookies([entry('', live()), entry('', test())], false),
      'clerkCookies',
      "names another Clerk instance's cookies than the module: one API reads the session cookies of one instance",
    );
  });
});
