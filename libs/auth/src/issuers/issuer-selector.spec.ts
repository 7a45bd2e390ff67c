import { beforeAll, describe, expect, it } from '@jest/globals';
import { type AuthModuleOptions } from '../config/auth-options.js';
import type { IssuerConfig } from '../config/resolved-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import { createTestIssuer, type TestIssuer } from '../testing/index.js';
import { createKeySource } from '../verification/key-sources.js';
import { IssuerVerifier } from '../verification/issuer-verifier.js';
import { IssuerSelector } from './issuer-selector.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const clock = () => NOW;

let fixed: TestIssuer;
let tenant: TestIssuer;
beforeAll(async () => {
  [fixed, tenant] = await Promise.all([createTestIssuer({ issuer: 'https://fixed.example.com' }), createTestIssuer({ issuer: 'https://t1.example.com' })]);
});

function selectorFor(options: AuthModuleOptions): { selector: IssuerSelector; asked: string[] } {
  const asked: string[] = [];
  const { resolveIssuer } = options;
  const withLog: AuthModuleOptions = resolveIssuer
    ? {
        ...options,
        resolveIssuer: (iss: string) => {
          asked.push(iss);
          return resolveIssuer(iss);
        },
      }
    : options;
  const build = (entry: IssuerConfig) => new IssuerVerifier(entry, createKeySource(entry), clock, null, () => undefined);
  return { selector: new IssuerSelector(resolveAuthOptions(withLog).issuers, build, clock), asked };
}

describe('IssuerSelector.peek', () => {
  it('gives the only issuer of a module with one, whatever the iss, even none', () => {
    const { selector } = selectorFor({ jwks: fixed.jwks, issuer: fixed.issuer });
    const [only] = selector.fixed;
    expect(only).toBeInstanceOf(IssuerVerifier);
    expect(selector.peek('https://other.example.com')).toBe(only);
    expect(selector.peek(undefined)).toBe(only);
  });

  it('gives an entry of issuers by its exact iss, even beside a resolver that does not know it, and nothing for another or a non-string iss', () => {
    const { selector, asked } = selectorFor({
      issuers: [{ issuer: fixed.issuer, jwks: fixed.jwks }],
      resolveIssuer: () => null,
    });
    const [entry] = selector.fixed;
    expect(selector.peek(fixed.issuer)).toBe(entry);
    expect(selector.peek(`${fixed.issuer}/`)).toBeUndefined();
    expect(selector.peek(['https://fixed.example.com'])).toBeUndefined();
    expect(selector.peek(42)).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('gives a resolved issuer once resolveIssuer has answered for it, and never asks itself', async () => {
    const { selector, asked } = selectorFor({
      issuers: [{ issuer: fixed.issuer, jwks: fixed.jwks }],
      resolveIssuer: (iss) => (iss === tenant.issuer ? { jwks: tenant.jwks } : null),
    });
    expect(selector.peek(tenant.issuer)).toBeUndefined();
    expect(asked).toEqual([]);
    const resolved = await selector.forIssuer(tenant.issuer);
    expect(selector.peek(tenant.issuer)).toBe(resolved);
    expect(resolved).not.toBe(selector.peek(fixed.issuer));
    expect(asked).toEqual([tenant.issuer]);
  });

  it('gives nothing for an iss outside the entries when there is no resolver', () => {
    const { selector } = selectorFor({ issuers: [{ issuer: fixed.issuer, jwks: fixed.jwks }] });
    expect(selector.peek(tenant.issuer)).toBeUndefined();
    expect(selector.peek(fixed.issuer)).toBe(selector.fixed[0]);
  });
});
