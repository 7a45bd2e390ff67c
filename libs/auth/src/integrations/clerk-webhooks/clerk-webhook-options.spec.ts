import { describe, expect, it } from '@jest/globals';
import type { IssuerConfig, ResolvedAuthOptions } from '../../config/resolved-options.js';
import type { RevocationStore } from '../../revocation/revocation-store.js';
import { clerkTokenClass, type TokenClassifier } from '../../verification/token-class.js';
import { expectConfigRefusal } from '../../config/config-error.spec-support.js';
import {
  CLERK_WEBHOOKS_OPTIONS,
  DEFAULT_MAX_REMEMBERED_DELIVERIES,
  MAX_TOLERANCE_SECONDS,
  resolveClerkWebhooksOptions,
  webhookIssuer,
  type ClerkWebhooksOptions,
  type ResolvedClerkWebhooksOptions,
} from './clerk-webhook-options.js';

function expectRefused(options: unknown, option: string, problem: string): void {
  expectConfigRefusal(() => resolveClerkWebhooksOptions(options as ClerkWebhooksOptions), option, problem);
}

/** A secret as the Clerk dashboard shows it: whsec_ and the base64 of 24 bytes. */
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const store = (): RevocationStore => ({ revoke: () => Promise.resolve(), isRevoked: () => false });
const SIGNING_SECRET = 'expected the endpoint signing secret from the Clerk dashboard (whsec_...)';
const TOLERANCE = 'expected a number of seconds in (0, 300]';
const ISSUER = "expected the Clerk instance's issuer, e.g. https://clerk.example.com";
const WHOLE = 'expected a whole number of at least 1';

describe('constants', () => {
  it('name the options by a global symbol; 10000 deliveries and 300 s by default', () => {
    expect(CLERK_WEBHOOKS_OPTIONS).toBe(Symbol.for('nestjs-warden:clerk-webhooks-options'));
    expect(DEFAULT_MAX_REMEMBERED_DELIVERIES).toBe(10_000);
    expect(MAX_TOLERANCE_SECONDS).toBe(300);
  });
});

describe('resolveClerkWebhooksOptions', () => {
  it('applies the defaults to a signing secret', () => {
    expect(resolveClerkWebhooksOptions({ signingSecret: SECRET })).toStrictEqual({
      signingSecret: SECRET,
      toleranceInSeconds: 300,
      revocation: undefined,
      issuer: undefined,
      maxRememberedDeliveries: 10_000,
    });
  });

  it('takes every option', () => {
    const revocation = store();
    const resolved = resolveClerkWebhooksOptions({
      signingSecret: SECRET,
      toleranceInSeconds: 60,
      revocation,
      issuer: 'https://clerk.example.com',
      maxRememberedDeliveries: 5,
    });
    expect(resolved).toStrictEqual({
      signingSecret: SECRET,
      toleranceInSeconds: 60,
      revocation,
      issuer: 'https://clerk.example.com',
      maxRememberedDeliveries: 5,
    });
    expect(resolved.revocation).toBe(revocation);
  });

  it('takes revocation: false (the handler revokes)', () => {
    expect(resolveClerkWebhooksOptions({ signingSecret: SECRET, revocation: false }).revocation).toBe(false);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['the secret alone', SECRET],
    ['a number', 1],
    ['false', false],
  ])('refuses options that are %s', (_, options) => {
    expectRefused(options, 'ClerkWebhooksModule', 'expected { signingSecret }');
  });

  describe('signingSecret', () => {
    it.each([
      ['eight characters after whsec_', 'whsec_abcdefgh'],
      ['nine', 'whsec_abcdefghi'],
      ['every character of the base64 alphabet', 'whsec_AZaz09+/='],
      ['upper case only', 'whsec_ABCDEFGH'],
      ['digits only', 'whsec_01234567'],
      ['padding only', 'whsec_========'],
      ['slashes and pluses', 'whsec_++++////'],
    ])('takes %s', (_, signingSecret) => {
      expect(resolveClerkWebhooksOptions({ signingSecret }).signingSecret).toBe(signingSecret);
    });

    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['seven characters after whsec_', 'whsec_abcdefg'],
      ['without whsec_', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      ['with another prefix', 'wsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      ['with something before whsec_', ' whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      ['with a character outside base64 after it', `${SECRET}-`],
      ['with a space inside', 'whsec_abcd efgh'],
      ['with a trailing newline', `${SECRET}\n`],
      ['url-safe base64', 'whsec_abcd_efgh'],
      ['upper-case prefix', 'WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      ['a number', 12345678],
      ['a list holding a secret', [SECRET]],
      ['an object that prints as a secret', { toString: () => SECRET }],
    ])('refuses a secret that is %s', (_, signingSecret) => {
      expectRefused({ signingSecret }, 'signingSecret', SIGNING_SECRET);
    });
  });

  describe('toleranceInSeconds', () => {
    it.each([300, 299.5, 1, 0.001, Number.MIN_VALUE])('takes %p', (toleranceInSeconds) => {
      expect(resolveClerkWebhooksOptions({ signingSecret: SECRET, toleranceInSeconds }).toleranceInSeconds).toBe(toleranceInSeconds);
    });

    it.each([
      ['0', 0],
      ['negative', -1],
      ['just above 300', 300.0001],
      ['301', 301],
      ['NaN', Number.NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
      ['a numeric string', '60'],
      ['null', null],
    ])('refuses %s', (_, toleranceInSeconds) => {
      expectRefused({ signingSecret: SECRET, toleranceInSeconds }, 'toleranceInSeconds', TOLERANCE);
    });
  });

  describe('revocation', () => {
    it('takes anything with a revoke method', () => {
      const revocation = { revoke: () => Promise.resolve() } as unknown as RevocationStore;
      expect(resolveClerkWebhooksOptions({ signingSecret: SECRET, revocation }).revocation).toBe(revocation);
    });

    it.each([
      ['null', null],
      ['true', true],
      ['an object without revoke', {}],
      ['an object whose revoke is not a function', { revoke: true }],
      ['a function with a revoke method', Object.assign(() => undefined, { revoke: () => Promise.resolve() })],
      ['a string', 'memory'],
    ])('refuses %s', (_, revocation) => {
      expectRefused({ signingSecret: SECRET, revocation }, 'revocation', 'expected a revocation store or false');
    });
  });

  describe('issuer', () => {
    it('takes an issuer of up to 2048 characters', () => {
      const longest = `https://${'a'.repeat(2040)}`;
      expect(longest).toHaveLength(2048);
      expect(resolveClerkWebhooksOptions({ signingSecret: SECRET, issuer: longest }).issuer).toBe(longest);
      expect(resolveClerkWebhooksOptions({ signingSecret: SECRET, issuer: 'x' }).issuer).toBe('x');
    });

    it.each([
      ['empty', ''],
      ['longer than 2048 characters', `https://${'a'.repeat(2041)}`],
      ['a number', 42],
      ['a list', ['https://clerk.example.com']],
      ['null', null],
      ['an object with a length', { length: 5 }],
    ])('refuses an issuer that is %s', (_, issuer) => {
      expectRefused({ signingSecret: SECRET, issuer }, 'issuer', ISSUER);
    });
  });

  describe('maxRememberedDeliveries', () => {
    it.each([1, 2, Number.MAX_SAFE_INTEGER])('takes %p', (maxRememberedDeliveries) => {
      expect(resolveClerkWebhooksOptions({ signingSecret: SECRET, maxRememberedDeliveries }).maxRememberedDeliveries).toBe(maxRememberedDeliveries);
    });

    it.each([
      ['0', 0],
      ['negative', -1],
      ['a fraction', 1.5],
      ['beyond the safe integers', 2 ** 53],
      ['NaN', Number.NaN],
      ['Infinity', Infinity],
      ['a numeric string', '10'],
      ['null', null],
    ])('refuses %s', (_, maxRememberedDeliveries) => {
      expectRefused({ signingSecret: SECRET, maxRememberedDeliveries }, 'maxRememberedDeliveries', WHOLE);
    });
  });

  it('checks the options in order: the secret first', () => {
    expectRefused({ signingSecret: 'x', toleranceInSeconds: 0, revocation: {}, issuer: '', maxRememberedDeliveries: 0 }, 'signingSecret', SIGNING_SECRET);
    expectRefused({ signingSecret: SECRET, toleranceInSeconds: 0, revocation: {}, issuer: '', maxRememberedDeliveries: 0 }, 'toleranceInSeconds', TOLERANCE);
    expectRefused({ signingSecret: SECRET, revocation: {}, issuer: '', maxRememberedDeliveries: 0 }, 'revocation', 'expected a revocation store or false');
    expectRefused({ signingSecret: SECRET, issuer: '', maxRememberedDeliveries: 0 }, 'issuer', ISSUER);
  });
});

const options = (issuer?: string): ResolvedClerkWebhooksOptions => resolveClerkWebhooksOptions({ signingSecret: SECRET, issuer });
const other: TokenClassifier = () => 'session_token';

/** An issuer entry as far as webhookIssuer goes. */
const entry = (issuer: string[] | undefined, classifyToken: TokenClassifier | undefined) => ({ issuer, classifyToken }) as IssuerConfig;
/** An entry of the clerk() preset. */
const clerk = (issuer: string[] | undefined) => entry(issuer, clerkTokenClass);

/** The AuthModule's options as far as the issuers go. */
function auth(single: boolean, entries: IssuerConfig[]): ResolvedAuthOptions {
  return { issuers: { single, entries } } as ResolvedAuthOptions;
}

describe('webhookIssuer', () => {
  it("is the module's issuer first, whatever the AuthModule says", () => {
    expect(webhookIssuer(options('https://own.example.com'), undefined)).toBe('https://own.example.com');
    expect(webhookIssuer(options('https://own.example.com'), auth(true, [clerk(['https://clerk.example.com'])]))).toBe('https://own.example.com');
  });

  it('is undefined without issuer and without the AuthModule', () => {
    expect(webhookIssuer(options(), undefined)).toBeUndefined();
  });

  it('is the one issuer of an AuthModule with one issuer, whatever its classifier', () => {
    expect(webhookIssuer(options(), auth(true, [clerk(['https://clerk.example.com'])]))).toBe('https://clerk.example.com');
    expect(webhookIssuer(options(), auth(true, [entry(['https://a.example.com'], other)]))).toBe('https://a.example.com');
    expect(webhookIssuer(options(), auth(true, [entry(['https://a.example.com'], undefined)]))).toBe('https://a.example.com');
  });

  it('is undefined for an AuthModule with one entry of several issuers, or none', () => {
    expect(webhookIssuer(options(), auth(true, [clerk(['https://a.example.com', 'https://b.example.com'])]))).toBeUndefined();
    expect(webhookIssuer(options(), auth(true, [clerk(undefined)]))).toBeUndefined();
    expect(webhookIssuer(options(), auth(true, [clerk([])]))).toBeUndefined();
  });

  it('is the issuer of the one clerk() entry of issuers', () => {
    const entries = [entry(['https://a.example.com'], other), clerk(['https://clerk.example.com']), entry(['https://b.example.com'], undefined)];
    expect(webhookIssuer(options(), auth(false, entries))).toBe('https://clerk.example.com');
  });

  it('counts only the Clerk entries with exactly one issuer', () => {
    const entries = [
      clerk(undefined),
      clerk(['https://x.example.com', 'https://y.example.com']),
      clerk([]),
      clerk(['https://clerk.example.com']),
      entry(['https://a.example.com'], other),
    ];
    expect(webhookIssuer(options(), auth(false, entries))).toBe('https://clerk.example.com');
  });

  it('is undefined with two clerk() entries, or none', () => {
    expect(webhookIssuer(options(), auth(false, [clerk(['https://one.example.com']), clerk(['https://two.example.com'])]))).toBeUndefined();
    expect(webhookIssuer(options(), auth(false, [entry(['https://a.example.com'], other), entry(['https://b.example.com'], undefined)]))).toBeUndefined();
    expect(webhookIssuer(options(), auth(false, []))).toBeUndefined();
  });
});
