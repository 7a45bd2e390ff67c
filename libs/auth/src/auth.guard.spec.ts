import 'reflect-metadata';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SignJWT } from 'jose';
import { OptionalAuth, RequireAuth } from './auth.decorators.js';
import { AuthGuard } from './auth.guard.js';
import type { AuthPolicy } from './auth.decorators.js';
import { resolveAuthOptions } from './config/resolve-auth-options.js';
import { type ResolvedAuthOptions } from './config/resolved-options.js';
import { AuthService } from './auth.service.js';
import { isAuthGuard } from './boot-checks/guard-coverage.js';
import type { TokenOrigin } from './verification/verification.js';
import { memoryRevocationStore } from './revocation/memory-revocation-store.js';

class Base {
  list(): void {}
  @OptionalAuth()
  feed(): void {}
}
@RequireAuth({ role: 'admin' })
class Admin extends Base {}
@OptionalAuth()
class Public extends Base {}

/** Exposes the protected policy step. */
class PolicyProbe extends AuthGuard {
  policyOf(handler: () => void, type: object): AuthPolicy {
    return this.getPolicy({ getHandler: () => handler, getClass: () => type } as unknown as ExecutionContext);
  }
}

// Options, services and guards are made in hooks or tests, never in a describe body: a throw there
// would break the whole file instead of failing the tests that need them.
describe('AuthGuard policy lookup (remembered per handler and class after the first request)', () => {
  let guard: PolicyProbe;
  beforeEach(() => {
    const options = resolveAuthOptions({ secret: 'a-test-secret-of-at-least-32-bytes!!', defaultPolicy: 'required' });
    guard = new PolicyProbe(new Reflector(), new AuthService(options), options);
  });

  it('gives an inherited handler the policy of the class it is called through, every time', () => {
    for (let i = 0; i < 2; i += 1) {
      expect(guard.policyOf(Base.prototype.list, Admin)).toEqual({ mode: 'required', check: { role: 'admin' } });
      expect(guard.policyOf(Base.prototype.list, Public)).toEqual({ mode: 'optional' });
      expect(guard.policyOf(Base.prototype.list, Base)).toEqual({ mode: 'required' });
      expect(guard.policyOf(Base.prototype.feed, Admin)).toEqual({ mode: 'optional' });
    }
  });

  it('builds the default policy of an undecorated route once, not per request', () => {
    expect(guard.policyOf(Base.prototype.list, Base)).toBe(guard.policyOf(Base.prototype.list, Base));
  });

  it('keeps the policy of each class an inherited handler is called through', () => {
    const base = guard.policyOf(Base.prototype.list, Base);
    const admin = guard.policyOf(Base.prototype.list, Admin);
    expect(guard.policyOf(Base.prototype.list, Base)).toBe(base);
    expect(guard.policyOf(Base.prototype.list, Admin)).toBe(admin);
  });
});

describe('AuthGuard deciding a cached token', () => {
  const secret = 'a-test-secret-of-at-least-32-bytes!!';
  let options: ResolvedAuthOptions;
  beforeEach(() => {
    options = resolveAuthOptions({ secret, defaultPolicy: 'required' });
  });
  const sign = (sub: string) => new SignJWT({ sub }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
  const contextFor = (token: string) => {
    const req = { headers: { authorization: `Bearer ${token}` } };
    const http = { getRequest: () => req };
    const handler = Base.prototype.list;
    const context = { getType: () => 'http', switchToHttp: () => http, getHandler: () => handler, getClass: () => Base };
    return context as unknown as ExecutionContext;
  };

  it('answers at once, without a promise, once the token is cached', async () => {
    const guard = new AuthGuard(new Reflector(), new AuthService(options), options);
    const token = await sign('user_1');
    const first = guard.canActivate(contextFor(token));
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toBe(true);
    expect(await guard.canActivate(contextFor(token))).toBe(true); // verified again, and stored
    expect(guard.canActivate(contextFor(token))).toBe(true);
  });

  it('leaves every token to an AuthService that overrides verification(), whatever the cache holds', async () => {
    const seen: Array<string | null | undefined> = [];
    class CountingService extends AuthService {
      override verification(token: string | null, source: TokenOrigin | null) {
        seen.push(token);
        return super.verification(token, source);
      }
    }
    const guard = new AuthGuard(new Reflector(), new CountingService(options), options);
    const token = await sign('user_2');
    for (let i = 0; i < 3; i += 1) expect(await guard.canActivate(contextFor(token))).toBe(true);
    expect(seen).toEqual([token, token, token]);
  });
  it('keeps answering a cached token at once when every method of the service is wrapped (tracing proxies, APM agents)', async () => {
    // What @nestjs/observe and OpenTelemetry-style instrumentation do: a proxy whose methods are new
    // functions that call the original, returning its value as it is.
    const service = new AuthService(options);
    const wrapped = new Proxy(service, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args) : value;
      },
    });
    const guard = new AuthGuard(new Reflector(), wrapped, options);
    const token = await sign('user_3');
    expect(await guard.canActivate(contextFor(token))).toBe(true);
    expect(await guard.canActivate(contextFor(token))).toBe(true); // verified again, and stored
    expect(guard.canActivate(contextFor(token))).toBe(true); // not a promise: the cache answered
  });
});

describe('AuthGuard deciding a cached token with a revocation store', () => {
  const secret = 'a-test-secret-of-at-least-32-bytes!!';
  const sign = (sid: string) =>
    new SignJWT({ sub: 'user_1', sid }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
  const contextFor = (token: string) => {
    const req = { headers: { authorization: `Bearer ${token}` } };
    const http = { getRequest: () => req, getResponse: () => ({}) };
    const context = { getType: () => 'http', switchToHttp: () => http, getHandler: () => Base.prototype.list, getClass: () => Base };
    return context as unknown as ExecutionContext;
  };

  it('stays synchronous for a cached token, and refuses it as soon as it is revoked', async () => {
    const store = memoryRevocationStore();
    const options = resolveAuthOptions({ secret, defaultPolicy: 'required', revocation: store });
    const guard = new AuthGuard(new Reflector(), new AuthService(options), options);
    const token = await sign('sess_sync');
    expect(await guard.canActivate(contextFor(token))).toBe(true);
    expect(await guard.canActivate(contextFor(token))).toBe(true);
    expect(guard.canActivate(contextFor(token))).toBe(true); // not a promise: no await on the hit path
    await store.revoke({ sid: 'sess_sync' });
    await expect(guard.canActivate(contextFor(token)) as Promise<boolean>).rejects.toBeInstanceOf(UnauthorizedException);
  });
});

describe('AuthGuard recognised by the boot check', () => {
  it('by the mark on its prototype: the class, a subclass and an instance, and nothing else', () => {
    class Custom extends AuthGuard {}
    const options = resolveAuthOptions({ secret: 'a-test-secret-of-at-least-32-bytes!!' });
    expect([isAuthGuard(AuthGuard), isAuthGuard(Custom), isAuthGuard(new Custom(new Reflector(), new AuthService(options), options))]).toEqual([
      true,
      true,
      true,
    ]);
    expect([isAuthGuard(class Other {}), isAuthGuard({}), isAuthGuard(undefined)]).toEqual([false, false, false]);
  });
});
