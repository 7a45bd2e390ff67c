import { describe, expect, it } from '@jest/globals';
import { HttpException } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { WsException } from '@nestjs/websockets';
import { signedInAuthObject } from '../auth-object/auth-object.js';
import { readSessionFields } from '../auth-object/claims.js';
import { UNAVAILABLE_MESSAGE } from '../auth.exceptions.js';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import { AuthConfigError } from '../config/auth-config-error.js';
import type { CurrentUserOptions, LoadUser, RegisteredUser } from '../config/current-user-options.js';
import type { AuthContextType } from '../config/event-options.js';
import { resolveAuthOptions } from '../config/resolve-auth-options.js';
import type { ResolvedAuthOptions } from '../config/resolved-options.js';
import { recordingAdapter, SECRET } from '../guard-context.spec-support.js';
import { asVerification } from '../verification/verification.js';
import { CurrentUserPipe, UserParam } from './current-user.pipe.js';
import { UserLoading } from './user-loading.js';

const RESPONSE = { res: true };
const USER: RegisteredUser = { id: 'user_1', email: null, name: 'Ada' };
const CHALLENGE = 'Bearer realm="shop", error="invalid_token"';
const BODY_401 = { statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' };
const BODY_403 = { statusCode: 403, error: 'Forbidden', message: 'Forbidden' };
const BODY_503 = { statusCode: 503, error: 'Service Unavailable', message: UNAVAILABLE_MESSAGE };

interface Setup {
  load?: LoadUser;
  currentUser?: CurrentUserOptions;
  debug?: boolean;
  /** What userFor rejects with instead of loading: lets a non-AuthError reach the pipe, which the real loading never lets through. */
  rejectWith?: unknown;
  /** Options of the pipe, changed after the loading was built from them. */
  tweak?: (options: ResolvedAuthOptions) => ResolvedAuthOptions;
  host?: HttpAdapterHost;
}

/** A pipe on a real UserLoading (realm "shop"), its loader calls counted, its adapter recording headers. */
function setup(given: Setup = {}) {
  const calls: unknown[] = [];
  const load = given.load ?? (() => USER);
  const loadUser: LoadUser = (auth, context) => (calls.push(context), load(auth, context));
  const options = resolveAuthOptions({ secret: SECRET, realm: 'shop', debug: given.debug ?? false, currentUser: given.currentUser, loadUser });
  if (!options.currentUser) throw new Error('loadUser was not resolved');
  const loading = new UserLoading(options.currentUser, undefined);
  if ('rejectWith' in given) loading.userFor = () => Promise.reject(given.rejectWith);
  const recording = recordingAdapter();
  const pipe = new CurrentUserPipe(given.tweak ? given.tweak(options) : options, loading, 'host' in given ? given.host : recording.host);
  return { pipe, calls, headers: recording.headers, options };
}

/** A UserParam of a signed-in request; `response` null: none (a default parameter would swallow undefined). */
function param(transport: AuthContextType = 'http', response: object | null = RESPONSE, signedIn = true): UserParam {
  const claims = { iss: 'https://a.test', sub: 'user_1', sid: 'sess_1' };
  const verification = asVerification({ auth: signedInAuthObject(claims, readSessionFields(claims), 'tok'), error: null, tokenPresent: true }, 'tok', 'header');
  return new UserParam({ carrier: {}, verification, signedIn, transport }, response ?? undefined);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the pipe to throw');
}

/** Status, body and GraphQL extensions of an HttpException (failing on any other error). */
async function httpDenial(promise: Promise<unknown>) {
  const error = await rejection(promise);
  if (!(error instanceof HttpException)) throw new Error(`expected an HttpException, got ${String(error)}`);
  return { status: error.getStatus(), body: error.getResponse(), extensions: 'extensions' in error ? error.extensions : undefined };
}

const notFound: LoadUser = () => null;
const down: LoadUser = () => {
  throw new Error('postgres down');
};

describe('CurrentUserPipe: construction', () => {
  it.each([null, undefined])('stops the boot without a loading (%p), naming loadUser', (loading) => {
    const options = resolveAuthOptions({ secret: SECRET });
    const build = () => new CurrentUserPipe(options, loading as UserLoading | null);
    expect(build).toThrow(AuthConfigError);
    expect(build).toThrow('nestjs-warden: invalid option "loadUser": @CurrentUser() is used, but the AuthModule has no loadUser to load users with');
  });
});

describe('CurrentUserPipe: resolving', () => {
  it('hands back anything but a UserParam untouched, without loading', async () => {
    const { pipe, calls } = setup();
    // Shaped like a UserParam but not one: only the decorator's own value loads.
    const lookalike = { request: param().request, response: RESPONSE };
    expect(await pipe.transform(lookalike)).toBe(lookalike);
    expect(await pipe.transform(undefined)).toBeUndefined();
    expect(await pipe.transform('user')).toBe('user');
    expect(calls).toEqual([]);
  });

  it('resolves the loaded user, and null without loading when the route admits the request signed out', async () => {
    const { pipe, calls, headers } = setup();
    expect(await pipe.transform(param())).toBe(USER);
    expect(await pipe.transform(param('http', RESPONSE, false))).toBeNull();
    expect(calls).toHaveLength(1);
    expect(headers).toEqual([]);
  });
});

describe('CurrentUserPipe: no user', () => {
  it('is 401 with the Bearer challenge of the realm set on the response; the reason stays hidden', async () => {
    const { pipe, headers } = setup({ load: notFound });
    expect(await httpDenial(pipe.transform(param()))).toEqual({ status: 401, body: BODY_401, extensions: undefined });
    expect(headers).toEqual([[RESPONSE, 'WWW-Authenticate', CHALLENGE]]);
  });

  it('debug mode names the reason in the body and the challenge', async () => {
    const { pipe, headers } = setup({ load: notFound, debug: true });
    expect(await httpDenial(pipe.transform(param()))).toMatchObject({ status: 401, body: { ...BODY_401, reason: 'user-not-found' } });
    expect(headers).toEqual([[RESPONSE, 'WWW-Authenticate', `${CHALLENGE}, error_description="user-not-found"`]]);
  });

  it('is 403 without a challenge under whenMissing: 403, the reason shown in debug mode only', async () => {
    const quiet = setup({ load: notFound, currentUser: { whenMissing: 403 } });
    expect(await httpDenial(quiet.pipe.transform(param()))).toEqual({ status: 403, body: BODY_403, extensions: undefined });
    expect(quiet.headers).toEqual([]);
    const debug = setup({ load: notFound, currentUser: { whenMissing: 403 }, debug: true });
    expect(await httpDenial(debug.pipe.transform(param()))).toMatchObject({ status: 403, body: { ...BODY_403, reason: 'user-not-found' } });
  });

  it('is 401 under whenMissing: 401, and when the options carry no currentUser at all', async () => {
    for (const given of [{ currentUser: { whenMissing: 401 as const } }, { tweak: (o: ResolvedAuthOptions) => ({ ...o, currentUser: undefined }) }]) {
      const { pipe, headers } = setup({ load: notFound, ...given });
      expect(await httpDenial(pipe.transform(param()))).toMatchObject({ status: 401, body: BODY_401 });
      expect(headers).toEqual([[RESPONSE, 'WWW-Authenticate', CHALLENGE]]);
    }
  });
});

describe('CurrentUserPipe: the loader failing', () => {
  it("a loader's throw is 503 with the loading's Retry-After, the reason hidden", async () => {
    const { pipe, headers } = setup({ load: down, currentUser: { timeoutInMs: 2500 } });
    expect(await httpDenial(pipe.transform(param()))).toEqual({ status: 503, body: BODY_503, extensions: undefined });
    expect(headers).toEqual([[RESPONSE, 'Retry-After', '3']]);
  });

  it.each([new Error('boom'), 'down', undefined])('anything but an AuthError (%p) is 503 user-unavailable, Retry-After 1', async (thrown) => {
    const { pipe, headers } = setup({ rejectWith: thrown, debug: true });
    expect(await httpDenial(pipe.transform(param()))).toEqual({ status: 503, body: { ...BODY_503, reason: 'user-unavailable' }, extensions: undefined });
    expect(headers).toEqual([[RESPONSE, 'Retry-After', '1']]);
  });

  it("another AuthError is 503 with its own reason and retry hint, else 1 second (never whenMissing's 403)", async () => {
    const cases = [
      [new AuthError(AuthErrorReason.UserUnavailable, 'slow', 7), 'user-unavailable', '7'],
      [new AuthError(AuthErrorReason.KeysUnavailable), 'keys-unavailable', '1'],
    ] as const;
    for (const [thrown, reason, retry] of cases) {
      const { pipe, headers } = setup({ rejectWith: thrown, debug: true, currentUser: { whenMissing: 403 } });
      expect(await httpDenial(pipe.transform(param()))).toMatchObject({ status: 503, body: { ...BODY_503, reason } });
      expect(headers).toEqual([[RESPONSE, 'Retry-After', retry]]);
    }
  });
});

describe('CurrentUserPipe: headers and transports', () => {
  it('sets no header without an adapter host, an adapter or a response, and still refuses', async () => {
    const noAdapter = { httpAdapter: undefined } as unknown as HttpAdapterHost;
    for (const host of [undefined, noAdapter]) {
      const { pipe } = setup({ load: notFound, host });
      expect(await httpDenial(pipe.transform(param()))).toMatchObject({ status: 401, body: BODY_401 });
    }
    const { pipe, headers } = setup({ load: notFound });
    expect(await httpDenial(pipe.transform(param('http', null)))).toMatchObject({ status: 401, body: BODY_401 });
    expect(headers).toEqual([]);
  });

  it('graphql: the HttpException with its GraphQL code, no header', async () => {
    const missing = setup({ load: notFound });
    expect(await httpDenial(missing.pipe.transform(param('graphql')))).toEqual({
      status: 401,
      body: BODY_401,
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
    const forbidden = setup({ load: notFound, currentUser: { whenMissing: 403 } });
    expect(await httpDenial(forbidden.pipe.transform(param('graphql')))).toMatchObject({ status: 403, extensions: { code: 'FORBIDDEN' } });
    expect([...missing.headers, ...forbidden.headers]).toEqual([]);
  });

  it('ws and rpc: their own exception with the payload (retry hint included), no header', async () => {
    const { pipe, headers } = setup({ load: notFound });
    const ws = await rejection(pipe.transform(param('ws')));
    expect(ws).toBeInstanceOf(WsException);
    expect((ws as WsException).getError()).toEqual({
      status: 'error',
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Unauthorized',
      code: 'UNAUTHENTICATED',
    });
    const failing = setup({ load: down, currentUser: { timeoutInMs: 2500 } });
    const rpc = await rejection(failing.pipe.transform(param('rpc')));
    expect(rpc).toBeInstanceOf(RpcException);
    expect((rpc as RpcException).getError()).toEqual({
      status: 'error',
      statusCode: 503,
      error: 'Service Unavailable',
      message: UNAVAILABLE_MESSAGE,
      code: 'SERVICE_UNAVAILABLE',
      retryAfter: 3,
    });
    expect([...headers, ...failing.headers]).toEqual([]);
  });
});
