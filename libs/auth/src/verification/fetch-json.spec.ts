import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { fetchJson, KeyFetchError, type FetchLimits } from './fetch-json.js';
import { freePort, hang, json, startLoopbackServer, type LoopbackServer } from './loopback-server.spec-support.js';

const limits: FetchLimits = { timeoutInMs: 5000, maxBytes: 1024 };

/** The KeyFetchError a fetch failed with (fails the test when it did not fail that way). */
async function failure(promise: Promise<unknown>): Promise<KeyFetchError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(KeyFetchError);
  return error as KeyFetchError;
}

describe('fetchJson', () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await startLoopbackServer();
  });
  afterEach(() => {
    server.reset();
    jest.restoreAllMocks();
  });
  afterAll(async () => {
    await server.close();
  });

  it('GETs the document with the accept header given, and parses it', async () => {
    server.on('/doc', json({ keys: [1] }));
    await expect(fetchJson(server.url('/doc'), limits)).resolves.toEqual({ keys: [1] });
    await expect(fetchJson(server.url('/doc'), limits, 'application/jwk-set+json, application/json')).resolves.toEqual({ keys: [1] });
    expect(server.requests.map((r) => [r.method, r.headers.accept, r.headers['content-type'], r.body])).toEqual([
      ['GET', 'application/json', undefined, ''],
      ['GET', 'application/jwk-set+json, application/json', undefined, ''],
    ]);
  });

  it('POSTs a form with its headers, as application/x-www-form-urlencoded', async () => {
    server.on('/introspect', json({ active: true }));
    const form = new URLSearchParams({ token: 'a b', token_type_hint: 'access_token' });
    await expect(fetchJson(server.url('/introspect'), limits, 'application/json', { form, headers: { authorization: 'Basic eDp5' } })).resolves.toEqual({
      active: true,
    });
    const [request] = server.requests;
    expect([request.method, request.headers.authorization, request.headers.accept, request.headers['content-type'], request.body]).toEqual([
      'POST',
      'Basic eDp5',
      'application/json',
      'application/x-www-form-urlencoded',
      'token=a+b&token_type_hint=access_token',
    ]);
    await expect(fetchJson(server.url('/introspect'), limits, 'application/json', { form })).resolves.toEqual({ active: true });
    expect(server.requests[1].headers.authorization).toBeUndefined();
  });

  it('answers only status 200, and follows no redirect', async () => {
    server.on('/moved', (res) => void res.writeHead(302, { location: '/doc' }).end());
    server.on('/doc', json({ keys: [] }));
    for (const [path, status] of [
      ['/moved', 302],
      ['/missing', 404],
    ] as const) {
      const error = await failure(fetchJson(server.url(path), limits));
      expect([error.problem, error.status, error.message]).toEqual(['http-status', status, `nestjs-warden: key fetch failed: status ${status}`]);
    }
    server.on('/created', json({ keys: [] }, 'application/json', 201));
    expect((await failure(fetchJson(server.url('/created'), limits))).status).toBe(201);
    expect(server.requests.map((r) => r.path)).toEqual(['/moved', '/missing', '/created']);
  });

  it('takes a JSON content type (any +json, parameters, any case) and nothing else', async () => {
    for (const type of [
      'application/json',
      'application/jwk-set+json',
      'Application/JSON; charset=utf-8',
      'application/json ;charset=utf-8',
      'application/x.a-b+json',
    ]) {
      server.on('/doc', json({ ok: type }, type));
      await expect(fetchJson(server.url('/doc'), limits)).resolves.toEqual({ ok: type });
    }
    for (const type of ['text/plain', 'text/application/json', 'application/jsonp', 'application/json-seq', 'application/+json', 'application/json x', '']) {
      server.on('/doc', (res) => void res.writeHead(200, type ? { 'content-type': type } : {}).end('{}'));
      const error = await failure(fetchJson(server.url('/doc'), limits));
      expect([error.problem, error.message]).toEqual(['content-type', 'nestjs-warden: key fetch failed: content-type']);
    }
  });

  it('takes a body of exactly maxBytes, declared or streamed, and refuses one byte more', async () => {
    const body = (bytes: number) => `"${'a'.repeat(bytes - 2)}"`;
    server.on('/declared', (res, req) => {
      const text = body(Number(new URL(req.path, server.origin).searchParams.get('n')));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }).end(text);
    });
    server.on('/streamed', (res, req) => {
      // Two chunks and no content-length: only the count while reading can stop it.
      const text = body(Number(new URL(req.path, server.origin).searchParams.get('n')));
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.write(text.slice(0, 600));
      setImmediate(() => res.end(text.slice(600)));
    });
    for (const path of ['/declared', '/streamed']) {
      await expect(fetchJson(server.url(`${path}?n=1024`), limits)).resolves.toBe('a'.repeat(1022));
      const error = await failure(fetchJson(server.url(`${path}?n=1025`), limits));
      expect([error.problem, error.message]).toEqual(['too-large', 'nestjs-warden: key fetch failed: too-large']);
    }
  });

  it('refuses a content-length over the cap before reading the body', async () => {
    server.on('/liar', (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2048' });
      res.write('{');
    });
    expect((await failure(fetchJson(server.url('/liar'), limits))).problem).toBe('too-large');
  });

  it('refuses a body that is not JSON, or not UTF-8', async () => {
    server.on('/text', json('{"keys": ['));
    const notJson = await failure(fetchJson(server.url('/text'), limits));
    expect([notJson.problem, notJson.message]).toEqual(['invalid-json', 'nestjs-warden: key fetch failed: invalid-json']);
    server.on('/latin1', (res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0x22, 0xe9, 0x22])));
    const notUtf8 = await failure(fetchJson(server.url('/latin1'), limits));
    expect([notUtf8.problem, notUtf8.message]).toEqual(['invalid-json', 'nestjs-warden: key fetch failed: the body is not UTF-8']);
    server.on('/empty', json(''));
    expect((await failure(fetchJson(server.url('/empty'), limits))).problem).toBe('invalid-json');
  });

  it('gives up after timeoutInMs, before the headers or in the middle of the body', async () => {
    server.on('/hang', hang);
    server.on('/half', (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":');
    });
    for (const path of ['/hang', '/half']) {
      const error = await failure(fetchJson(server.url(path), { ...limits, timeoutInMs: 150 }));
      expect([error.problem, error.message]).toEqual(['timeout', 'nestjs-warden: key fetch failed: timeout']);
    }
  });

  it('reports a refused connection as network, with its system code, and a connection cut mid-body as network', async () => {
    const refused = await failure(fetchJson(new URL(`http://127.0.0.1:${await freePort()}/doc`), limits));
    expect([refused.problem, refused.code, refused.message]).toEqual(['network', 'ECONNREFUSED', 'nestjs-warden: key fetch failed: network']);
    server.on('/cut', (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":', () => res.destroy());
    });
    const cut = await failure(fetchJson(server.url('/cut'), limits));
    expect([cut.problem, cut.code]).toEqual(['network', undefined]);
  });

  it('keeps only a bare system code from a failed fetch, looking four causes deep', async () => {
    const failWith = (error: unknown) => jest.spyOn(globalThis, 'fetch').mockRejectedValue(error);
    const nested = (code: unknown, depth: number): unknown => (depth === 0 ? { code } : { message: 'fetch failed', cause: nested(code, depth - 1) });
    const codeOf = async (error: unknown) => {
      failWith(error);
      return (await failure(fetchJson(server.url('/doc'), limits))).code;
    };
    expect(await codeOf(nested('ECONNRESET', 0))).toBe('ECONNRESET');
    expect(await codeOf(nested('UND_ERR_SOCKET', 3))).toBe('UND_ERR_SOCKET');
    expect(await codeOf(nested('ECONNRESET', 4))).toBeUndefined();
    expect(await codeOf({ code: 'lowercase', cause: { code: 'EAI_AGAIN' } })).toBe('EAI_AGAIN');
    for (const code of ['E', 'econnreset', 'ECONN RESET', `E${'A'.repeat(41)}`, 'ENOTFOUND secret.example', 'x ECONNRESET', '1EPIPE', 42]) {
      expect(await codeOf(nested(code, 1))).toBeUndefined();
    }
    expect(await codeOf(nested(`E${'A'.repeat(40)}`, 1))).toBe(`E${'A'.repeat(40)}`);
    expect(await codeOf(nested('E1', 1))).toBe('E1');
    expect(await codeOf('ECONNRESET')).toBeUndefined();
    expect(await codeOf(null)).toBeUndefined();
  });

  it('with publicAddressesOnly, refuses a loopback host before connecting', async () => {
    server.on('/doc', json({ keys: [] }));
    const error = await failure(fetchJson(server.url('/doc'), { ...limits, publicAddressesOnly: true }));
    expect([error.problem, error.code, error.message]).toEqual([
      'address-not-public',
      'EADDRNOTPUBLIC',
      'nestjs-warden: key fetch failed: the host is not a public address',
    ]);
    expect(server.requests).toEqual([]);
  });

  it('leaves no timer behind', async () => {
    server.on('/doc', json({ keys: [] }));
    const set = jest.spyOn(globalThis, 'setTimeout');
    const clear = jest.spyOn(globalThis, 'clearTimeout');
    await fetchJson(server.url('/doc'), { ...limits, timeoutInMs: 43_210 });
    const index = set.mock.calls.findIndex(([, ms]) => ms === 43_210);
    expect(index).toBeGreaterThanOrEqual(0);
    expect(clear).toHaveBeenCalledWith(set.mock.results[index].value as NodeJS.Timeout);
  });
});
