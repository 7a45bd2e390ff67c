import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { BadRequestException, HttpException } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { AuthService } from '../../auth.service.js';
import { AuthConfigError } from '../../config/auth-config-error.js';
import { resolveAuthOptions } from '../../config/resolve-auth-options.js';
import { captureLogs, httpContext, recordingAdapter } from '../../guard-context.spec-support.js';
import { memoryRevocationStore } from '../../revocation/memory-revocation-store.js';
import type { RevocationStore } from '../../revocation/revocation-store.js';
import { eventually } from '../../revocation/redis-server.spec-support.js';
import { createTestIssuer, type TestIssuer } from '../../testing/test-issuer.js';
import { BackchannelLogoutGuard, logoutEventOf } from './backchannel-logout.guard.js';
import { resolveBackchannelLogoutOptions, type BackchannelLogoutOptions } from './logout-options.js';
import { BACKCHANNEL_LOGOUT_EVENT } from './logout-token.js';

const CLIENT = 'orders-spa';
const FORM = 'application/x-www-form-urlencoded';

let issuer: TestIssuer;
let jtis = 0;

beforeAll(async () => {
  issuer = await createTestIssuer({ issuer: 'https://idp.example.com' });
});

type ForRootOptions = Parameters<TestIssuer['moduleOptions']>[0];

function guardFor(
  authExtra: ForRootOptions,
  extra: Partial<BackchannelLogoutOptions> = {},
  host: HttpAdapterHost | undefined = recordingAdapter().host,
): BackchannelLogoutGuard {
  const authOptions = resolveAuthOptions(issuer.moduleOptions({ issuer: issuer.issuer, ...authExtra }));
  return new BackchannelLogoutGuard(resolveBackchannelLogoutOptions({ audience: CLIENT, ...extra }), authOptions, new AuthService(authOptions), host);
}

function logoutToken(claims: Record<string, unknown> = {}): Promise<string> {
  jtis += 1;
  return issuer.sign(
    { aud: CLIENT, sid: 'sid_1', sub: 'user_1', jti: `jti_${jtis}`, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, ...claims },
    { header: { typ: 'logout+jwt' } },
  );
}

function post(body: unknown, contentType: string | undefined = FORM): { headers: Record<string, string | undefined>; body: unknown } {
  return { headers: { 'content-type': contentType }, body };
}

/** What the guard answered: true, or the status and body of the exception it threw. */
async function answer(guard: BackchannelLogoutGuard, request: object, response: unknown = {}): Promise<unknown> {
  try {
    return await guard.canActivate(httpContext(request, response));
  } catch (error) {
    if (error instanceof HttpException) return { status: error.getStatus(), body: error.getResponse() };
    throw error;
  }
}

/** A store whose `revoke` and `isRevoked` may be made to fail or wait. */
function controllableStore(): RevocationStore & { failRevoke: number[]; failLookup: boolean; hold?: Promise<void>; calls: number; held: number } {
  const inner = memoryRevocationStore();
  const store = {
    failRevoke: [] as number[],
    failLookup: false,
    hold: undefined as Promise<void> | undefined,
    calls: 0,
    /** Calls of `revoke` made while `hold` is set: one per delivery, as a delivery's revokes run one after another. */
    held: 0,
    async revoke(target: Parameters<RevocationStore['revoke']>[0], until?: number): Promise<void> {
      store.calls += 1;
      if (store.hold) store.held += 1;
      await store.hold;
      if (store.failRevoke.includes(store.calls)) throw new Error('store down');
      return inner.revoke(target, until);
    },
    isRevoked(claims: Parameters<RevocationStore['isRevoked']>[0]): boolean {
      if (store.failLookup) throw new Error('store down');
      return inner.isRevoked(claims);
    },
  };
  return store;
}

describe('BackchannelLogoutGuard', () => {
  let logs: ReturnType<typeof captureLogs> | undefined;
  afterEach(() => logs?.restore());

  it('stops the boot, naming revocation, when neither module has a store', () => {
    let error: unknown;
    try {
      guardFor({});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AuthConfigError);
    expect((error as AuthConfigError).option).toBe('revocation');
    expect((error as AuthConfigError).message).toBe(
      'nestjs-warden: invalid option "revocation": BackchannelLogoutModule has no revocation store: the AuthModule has no `revocation` and none was given here, ' +
        'so logouts would be acknowledged and end nothing. Give the AuthModule a store (redisRevocationStore() for several replicas) or pass one as `revocation`',
    );
    expect(() => guardFor({ revocation: memoryRevocationStore() })).not.toThrow();
    expect(() => guardFor({}, { revocation: memoryRevocationStore() })).not.toThrow();
  });

  it('admits a logout: the session and the jti are revoked, the event is kept on the request, nothing is set on the response', async () => {
    const store = memoryRevocationStore();
    const { host, headers } = recordingAdapter();
    const guard = guardFor({ revocation: store }, {}, host);
    const token = await logoutToken();
    const request = post({ logout_token: token }, `${FORM}; charset=UTF-8`);
    expect(await answer(guard, request)).toBe(true);
    const event = logoutEventOf(request);
    expect(event).toMatchObject({ iss: issuer.issuer, sid: 'sid_1', sub: 'user_1', revoked: { iss: issuer.issuer, sid: 'sid_1' } });
    // Out of sight (not enumerable, not copied by a spread), under a key two copies of the library share.
    expect(Object.keys(request)).toEqual(['headers', 'body']);
    expect(Object.getOwnPropertySymbols({ ...request })).toEqual([]);
    expect((request as Record<symbol, unknown>)[Symbol.for('nestjs-warden:backchannel-logout-event')]).toBe(event);
    expect(store.isRevoked({ iss: issuer.issuer, sid: 'sid_1' })).toBe(true);
    expect(store.isRevoked({ iss: issuer.issuer, sid: 'sid_2', sub: 'user_1' })).toBe(false);
    expect(store.isRevoked({ iss: issuer.issuer, jti: event?.jti })).toBe(true);
    expect(headers).toEqual([]);
  });

  it("revokes in the store given to the logout module over the AuthModule's", async () => {
    const own = memoryRevocationStore();
    const authStore = memoryRevocationStore();
    const guard = guardFor({ revocation: authStore }, { revocation: own });
    expect(await answer(guard, post({ logout_token: await logoutToken() }))).toBe(true);
    expect(own.isRevoked({ iss: issuer.issuer, sid: 'sid_1' })).toBe(true);
    expect(authStore.isRevoked({ iss: issuer.issuer, sid: 'sid_1' })).toBe(false);
  });

  it('takes the issuers, audience, typ rule, revokeBy and token age from the options', async () => {
    const store = memoryRevocationStore();
    const bySub = guardFor({ revocation: store }, { revokeBy: 'sub' });
    expect(await answer(bySub, post({ logout_token: await logoutToken() }))).toBe(true);
    expect(store.isRevoked({ iss: issuer.issuer, sub: 'user_1', sid: 'other' })).toBe(true);
    const strict = guardFor({ revocation: store }, { requireLogoutTyp: true });
    const untyped = await issuer.sign({ aud: CLIENT, sid: 's', jti: 'untyped', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } });
    expect(await answer(strict, post({ logout_token: untyped }))).toMatchObject({ status: 400, body: { error_description: /logout\+jwt/ } });
    const otherClient = guardFor({ revocation: store }, { audience: 'someone-else' });
    expect(await answer(otherClient, post({ logout_token: await logoutToken() }))).toMatchObject({ status: 400, body: { error_description: /audience/ } });
    const young = guardFor({ revocation: store }, { maxTokenAgeInSeconds: 10 });
    const old = await logoutToken({ iat: Math.floor(Date.now() / 1000) - 30 });
    expect(await answer(young, post({ logout_token: old }))).toMatchObject({ status: 400, body: { error_description: /too-old/ } });
  });

  it("uses the AuthModule's clock", async () => {
    const store = memoryRevocationStore();
    const later = guardFor({ revocation: store, clock: () => Date.now() + 3_600_000 });
    expect(await answer(later, post({ logout_token: await logoutToken() }))).toMatchObject({ status: 400, body: { error_description: /expired|too-old/ } });
  });

  it.each([
    ['no content type', { headers: {}, body: { logout_token: 'x' } }],
    ['JSON', post({ logout_token: 'x' }, 'application/json')],
    ['a look-alike type', post({ logout_token: 'x' }, `${FORM}x`)],
    ['a type that only ends like a form', post({ logout_token: 'x' }, `text/${FORM}`)],
  ])('answers 400 invalid_request with no-store and no Retry-After for %s', async (_name, request) => {
    const { host, headers } = recordingAdapter();
    const response = {};
    expect(await answer(guardFor({ revocation: memoryRevocationStore() }, {}, host), request, response)).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'expected an application/x-www-form-urlencoded body' },
    });
    expect(headers).toEqual([[response, 'Cache-Control', 'no-store']]);
    expect(logoutEventOf(request)).toBeUndefined();
  });

  it('accepts the form type in any case and with spaces before its parameters', async () => {
    const guard = guardFor({ revocation: memoryRevocationStore() });
    expect(await answer(guard, post({ logout_token: await logoutToken() }, 'Application/X-WWW-Form-Urlencoded'))).toBe(true);
    expect(await answer(guard, post({ logout_token: await logoutToken() }, `${FORM} ; charset=utf-8`))).toBe(true);
  });

  it.each([
    ['no body', undefined],
    ['a null body', null],
    ['a text body', 'logout_token=abc'],
    ['a body without the token', { token: 'abc' }],
  ])('answers 400 missing logout_token for %s', async (_name, body) => {
    expect(await answer(guardFor({ revocation: memoryRevocationStore() }), post(body))).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'missing logout_token' },
    });
  });

  it('refuses a replay, here and while the first delivery is still being recorded', async () => {
    const store = controllableStore();
    const guard = guardFor({ revocation: store });
    const token = await logoutToken();
    expect(await answer(guard, post({ logout_token: token }))).toBe(true);
    expect(await answer(guard, post({ logout_token: token }))).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'this logout token was received already' },
    });
    let release = (): void => undefined;
    store.hold = new Promise((resolve) => (release = resolve));
    const second = await logoutToken();
    // Deliveries verify their tokens concurrently: each is sent once the one before is being
    // recorded, or the duplicate could finish verifying first, be the one held, and never answer.
    const first = answer(guard, post({ logout_token: second }));
    await eventually(() => store.held >= 1, 'the first delivery held in the store');
    expect(await answer(guard, post({ logout_token: second }))).toMatchObject({
      status: 400,
      body: { error_description: 'this logout token was received already' },
    });
    // Another token meanwhile is no duplicate: it is recorded beside the first.
    const other = answer(guard, post({ logout_token: await logoutToken() }));
    await eventually(() => store.held >= 2, 'the other delivery held beside the first');
    release();
    expect(await first).toBe(true);
    expect(await other).toBe(true);
  });

  it('logs nothing for a refused token or a replay', async () => {
    logs = captureLogs();
    const guard = guardFor({ revocation: memoryRevocationStore() });
    const token = await logoutToken();
    expect(await answer(guard, post({ logout_token: token }))).toBe(true);
    expect(await answer(guard, post({ logout_token: token }))).toMatchObject({ status: 400 });
    expect(await answer(guard, post({ logout_token: 'a.b.c' }))).toMatchObject({ status: 400 });
    expect(logs.lines).toEqual([]);
  });

  it('answers 503 with Retry-After and no-store when the store fails, logs why without the token, and accepts the retry', async () => {
    logs = captureLogs();
    const store = controllableStore();
    const { host, headers } = recordingAdapter();
    const guard = guardFor({ revocation: store }, {}, host);
    const token = await logoutToken();
    // The session was revoked, the jti was not: the provider's retry must go through.
    store.failRevoke = [2];
    const response = {};
    expect(await answer(guard, post({ logout_token: token }), response)).toEqual({
      status: 503,
      body: { error: 'temporarily_unavailable', error_description: 'the logout could not be processed now; retry later' },
    });
    expect(headers).toEqual([
      [response, 'Cache-Control', 'no-store'],
      [response, 'Retry-After', '5'],
    ]);
    expect(logs.lines).toEqual(['warn [nestjs-warden]: Back-channel logout: the revocation could not be recorded; answering 503 so the provider may retry']);
    expect(logs.lines.join()).not.toContain(token);
    expect(await answer(guard, post({ logout_token: token }))).toBe(true);
    store.failLookup = true;
    expect(await answer(guard, post({ logout_token: await logoutToken() }))).toMatchObject({ status: 503 });
  });

  it("answers 503 and logs the reason when the issuer's keys cannot be had", async () => {
    logs = captureLogs();
    const served = await issuer.serve();
    const jwksUrl = served.jwksUrl;
    await served.close();
    const authOptions = resolveAuthOptions({ issuer: issuer.issuer, jwksUrl, revocation: memoryRevocationStore() });
    const guard = new BackchannelLogoutGuard(resolveBackchannelLogoutOptions({ audience: CLIENT }), authOptions, new AuthService(authOptions));
    expect(await answer(guard, post({ logout_token: await logoutToken() }))).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(logs.lines.at(-1)).toBe("warn [nestjs-warden]: Back-channel logout: the issuer's keys could not be had (keys-unavailable); answering 503");
  });

  it('throws its answer without setting headers when there is no HTTP adapter or no response', async () => {
    const guard = guardFor({ revocation: memoryRevocationStore() }, {}, undefined);
    expect(await answer(guard, post({}))).toMatchObject({ status: 400 });
    const { host, headers } = recordingAdapter();
    await expect(guardFor({ revocation: memoryRevocationStore() }, {}, host).canActivate(httpContext(post({}), null))).rejects.toBeInstanceOf(
      BadRequestException,
    );
    expect(headers).toEqual([]);
  });

  it('logoutEventOf: nothing for a request the guard did not admit, nor one that merely has such a key inherited', () => {
    expect(logoutEventOf({})).toBeUndefined();
    const admitted = Object.create({ [Symbol.for('nestjs-warden:backchannel-logout-event')]: { jti: 'x' } }) as object;
    expect(logoutEventOf(admitted)).toBeUndefined();
  });
});
