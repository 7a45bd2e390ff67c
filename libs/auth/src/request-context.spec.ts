import { describe, expect, it } from '@jest/globals';
import { createAuthObject } from './testing/index.js';
import { AUTH_VERIFICATION } from './auth.constants.js';
import { graphqlContext, httpContext, otherContext, rpcContext, wsContext } from './guard-context.spec-support.js';
import { attachVerification, carrierOf, contextTypeOf, getAuthCarrier, sharedProofCheck, storedVerification, type AuthCarrier } from './request-context.js';
import { signedOutVerification } from './verification/verification.js';
import { rememberWsHandshake } from './ws-handshake.js';

describe('contextTypeOf', () => {
  it('names the four transports the guard knows, and anything else unknown', () => {
    for (const type of ['http', 'graphql', 'ws', 'rpc']) expect(contextTypeOf(otherContext(type))).toBe(type);
    for (const type of ['kafka', '', 'HTTP']) expect(contextTypeOf(otherContext(type))).toBe('unknown');
  });
});

describe('storing the verification on a carrier', () => {
  it('stores it under the shared symbol and attaches the auth object; reads only an own property', () => {
    const carrier: AuthCarrier = { headers: {} };
    expect(storedVerification(carrier)).toBeUndefined();
    const v = signedOutVerification(null, false);
    const auth = createAuthObject({ userId: 'user_1' });
    attachVerification(carrier, v, auth);
    expect(storedVerification(carrier)).toBe(v);
    expect((carrier as Record<symbol, unknown>)[AUTH_VERIFICATION]).toBe(v);
    expect(carrier.auth).toBe(auth);
    expect(Object.keys(carrier)).toEqual(['headers', 'auth']);
    expect(storedVerification(Object.create(carrier) as object)).toBeUndefined();
  });
});

describe('sharedProofCheck', () => {
  it('runs a check once per carrier and key while it is pending, and again for another key or carrier', async () => {
    const carrier = {};
    let runs = 0;
    const check = (answer: string) => () => {
      runs += 1;
      return Promise.resolve(answer);
    };
    const first = sharedProofCheck(carrier, 'token\nproof-a', check('a'));
    expect(sharedProofCheck(carrier, 'token\nproof-a', check('other'))).toBe(first);
    expect(runs).toBe(1);
    expect(await sharedProofCheck(carrier, 'token\nproof-b', check('b'))).toBe('b');
    expect(await sharedProofCheck({}, 'token\nproof-a', check('c'))).toBe('c');
    expect(runs).toBe(3);
    expect(Object.keys(carrier)).toEqual([]);
    expect(JSON.stringify(carrier)).toBe('{}');
    // Under a registered symbol (two copies of the library share it), and never copied with the carrier.
    expect(Object.getOwnPropertySymbols(carrier)).toEqual([Symbol.for('nestjs-warden.proof-check')]);
    expect(Object.getOwnPropertySymbols({ ...carrier })).toEqual([]);
  });

  it('keeps nothing for a check that answered at once, and ignores an inherited one', async () => {
    const carrier = {};
    let runs = 0;
    const sync = () => {
      runs += 1;
      return 'now';
    };
    expect(sharedProofCheck(carrier, 'k', sync)).toBe('now');
    expect(sharedProofCheck(carrier, 'k', sync)).toBe('now');
    expect(runs).toBe(2);
    const parent = {};
    const held = sharedProofCheck(parent, 'k', () => Promise.resolve('parent'));
    const child = Object.create(parent) as object;
    expect(sharedProofCheck(child, 'k', () => Promise.resolve('child'))).not.toBe(held);
    expect(await sharedProofCheck(child, 'k', () => Promise.resolve('again'))).toBe('child');
  });
});

describe('getAuthCarrier', () => {
  it('http: the request itself, when it is an object', () => {
    const req = { headers: { authorization: 'Bearer t' } };
    expect(getAuthCarrier(httpContext(req))).toBe(req);
    expect(getAuthCarrier(httpContext('request'))).toBeUndefined();
    expect(getAuthCarrier(httpContext(null))).toBeUndefined();
  });

  it("graphql: Apollo's req, else a request, else Mercurius's reply.request", () => {
    const req = { headers: {} };
    const other = { headers: {} };
    expect(getAuthCarrier(graphqlContext({ req, request: other }))).toBe(req);
    expect(getAuthCarrier(graphqlContext({ request: req, reply: { request: other } }))).toBe(req);
    expect(getAuthCarrier(graphqlContext({ reply: { request: req } }))).toBe(req);
    expect(getAuthCarrier(graphqlContext({ reply: {} }))).toBeUndefined();
    expect(getAuthCarrier(graphqlContext(undefined))).toBeUndefined();
  });

  it("ws: one live carrier per client, from socket.io's handshake: headers, auth.token, TLS and the upgrade URL", () => {
    const headers = { cookie: '__session=c' };
    const client = { handshake: { headers, auth: { token: 'tok' }, secure: true, url: '/socket.io/?EIO=4' } };
    const carrier = getAuthCarrier(wsContext(client));
    expect(carrier).toEqual({ headers, token: 'tok', live: true, secure: true, method: 'GET', url: '/socket.io/?EIO=4' });
    expect(getAuthCarrier(wsContext(client))).toBe(carrier);
    expect(carrierOf(client)).toBe(carrier);
    expect(getAuthCarrier(wsContext({ handshake: { headers, auth: { token: 'tok' } } }))).not.toBe(carrier);
  });

  it('ws: a plain ws socket with its upgrade request remembered; without a handshake, no headers and no token', () => {
    const client = {};
    rememberWsHandshake(client, { headers: { authorization: 'Bearer w' }, url: '/ws', socket: { encrypted: false } });
    expect(getAuthCarrier(wsContext(client))).toEqual({
      headers: { authorization: 'Bearer w' },
      token: undefined,
      live: true,
      secure: false,
      method: 'GET',
      url: '/ws',
    });
    expect(getAuthCarrier(wsContext({}))).toEqual({ headers: {}, token: undefined, live: true, secure: undefined, method: 'GET', url: undefined });
    expect(getAuthCarrier(wsContext(null))).toBeUndefined();
    expect(carrierOf('client')).toBeUndefined();
  });

  it('ws: auth.token only as an own string', () => {
    const token = (auth: unknown) => getAuthCarrier(wsContext({ handshake: { headers: {}, auth } }))?.token;
    expect(token({ token: 7 })).toBeUndefined();
    expect(token(Object.create({ token: 'inherited' }))).toBeUndefined();
    expect(token({ token: '' })).toBe('');
  });

  it("rpc: the message's token field (default authorization), one carrier per transport context", () => {
    const ctx = {};
    const carrier = getAuthCarrier(rpcContext({ authorization: 'r1' }, ctx));
    expect(carrier).toEqual({ headers: {}, token: 'r1' });
    expect(getAuthCarrier(rpcContext({ authorization: 'r2' }, ctx))).toBe(carrier);
    expect(carrierOf(ctx)).toBe(carrier);
    expect(getAuthCarrier(rpcContext({ jwt: 'r3', authorization: 'r4' }, {}), { rpcTokenField: 'jwt' })?.token).toBe('r3');
    expect(getAuthCarrier(rpcContext({ authorization: 5 }, {}))?.token).toBeUndefined();
    expect(getAuthCarrier(rpcContext(Object.create({ authorization: 'inherited' }), {}))?.token).toBeUndefined();
  });

  it('rpc: without a context object the data is the key; with neither, a carrier per call', () => {
    const data = { authorization: 'd' };
    const carrier = getAuthCarrier(rpcContext(data, undefined));
    expect(getAuthCarrier(rpcContext(data, 'not an object'))).toBe(carrier);
    expect(carrierOf(data)).toBe(carrier);
    const a = getAuthCarrier(rpcContext('raw', undefined));
    expect(a).toEqual({ headers: {}, token: undefined });
    expect(getAuthCarrier(rpcContext('raw', undefined))).not.toBe(a);
  });

  it('anything else: no carrier', () => {
    expect(getAuthCarrier(otherContext('kafka'))).toBeUndefined();
  });
});
