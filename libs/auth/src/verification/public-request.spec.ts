import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { hang, json, startLoopbackServer, type LoopbackServer } from './loopback-server.spec-support.js';
import { AddressNotPublicError, requestPublicOnly, type LookupAll, type PublicRequest } from './public-request.js';

// The loopback server stands for a public host: `isAllowed` (for tests only) lets 127.0.0.1 through
// where the real check would refuse it, which the first tests show.

const get: PublicRequest = { method: 'GET', headers: { accept: 'application/json' } };
const anyAddress = () => true;

/** What the promise rejected with (Node's own errors come from another realm than Jest's Error). */
async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(typeof (error as Error | null)?.message).toBe('string');
  return error as Error;
}

describe('requestPublicOnly', () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await startLoopbackServer();
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    await server.close();
  });
  const signal = () => new AbortController().signal;

  it('refuses a loopback IP literal, v4 or v6, before connecting', async () => {
    server.on('/doc', json({}));
    for (const url of [server.url('/doc'), new URL(`http://[::1]:${server.url('/').port}/doc`), new URL('http://[::ffff:127.0.0.1]/doc')]) {
      const error = await rejection(requestPublicOnly(url, get, signal()));
      expect(error).toBeInstanceOf(AddressNotPublicError);
      expect([error.name, error.code, error.message]).toEqual(['AddressNotPublicError', 'EADDRNOTPUBLIC', 'nestjs-warden: the host is not a public address']);
    }
    expect(server.requests).toEqual([]);
  });

  it('refuses a host name that resolves to a loopback address, before connecting', async () => {
    server.on('/doc', json({}));
    const error = await rejection(requestPublicOnly(new URL(`http://localhost:${server.url('/').port}/doc`), get, signal()));
    expect(error).toBeInstanceOf(AddressNotPublicError);
    expect(server.requests).toEqual([]);
  });

  it('connects a host name to the address it checked', async () => {
    server.on('/doc', json({ ok: true }));
    const checked: string[] = [];
    const allowed = (address: string) => {
      checked.push(address);
      return address === '127.0.0.1';
    };
    const response = await requestPublicOnly(new URL(`http://localhost:${server.url('/').port}/doc`), get, signal(), allowed);
    await expect(response.json()).resolves.toEqual({ ok: true });
    expect(checked).toEqual(['127.0.0.1']);
  });

  it('refuses a name unless every address it resolves to is allowed, or when it resolves to none', async () => {
    server.on('/doc', json({}));
    const only =
      (addresses: string[]): LookupAll =>
      (_host, _options, callback) =>
        callback(
          null,
          addresses.map((address) => ({ address, family: 4 })),
        );
    const url = new URL(`http://api.example:${server.url('/').port}/doc`);
    const loopbackOnly = (address: string) => address === '127.0.0.1';
    for (const answers of [['127.0.0.1', '10.0.0.1'], ['10.0.0.1', '127.0.0.1'], []]) {
      expect(await rejection(requestPublicOnly(url, get, signal(), loopbackOnly, only(answers)))).toBeInstanceOf(AddressNotPublicError);
    }
    expect(server.requests).toEqual([]);
    await (await requestPublicOnly(url, get, signal(), loopbackOnly, only(['127.0.0.1']))).json();
    expect(server.requests).toHaveLength(1);
  });

  it('passes a resolver error on', async () => {
    const error = await rejection(requestPublicOnly(new URL('http://nothing.invalid/doc'), get, signal(), anyAddress));
    expect(error.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
  });

  it('answers a WHATWG Response: status, every header value, the body as a stream', async () => {
    server.on('/doc', (res) => {
      res.setHeader('x-several', ['a', 'b']);
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"n":1}');
    });
    const response = await requestPublicOnly(server.url('/doc'), get, signal(), anyAddress);
    expect([response.status, response.headers.get('content-type'), response.headers.get('x-several')]).toEqual([201, 'application/json', 'a, b']);
    expect([...response.headers.keys()].sort()).toEqual(['connection', 'content-type', 'date', 'transfer-encoding', 'x-several']);
    await expect(response.text()).resolves.toBe('{"n":1}');
    expect(server.requests.map((r) => [r.method, r.headers.accept, r.headers['content-length'], r.body])).toEqual([['GET', 'application/json', undefined, '']]);
  });

  it('POSTs a form with its content length', async () => {
    server.on('/introspect', json({ active: false }));
    const form = new URLSearchParams({ token: 'a b/é' });
    const post: PublicRequest = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form };
    await (await requestPublicOnly(server.url('/introspect'), post, signal(), anyAddress)).json();
    const [request] = server.requests;
    expect([request.method, request.headers['content-type'], request.headers['content-length'], request.body]).toEqual([
      'POST',
      'application/x-www-form-urlencoded',
      String(form.toString().length),
      form.toString(),
    ]);
  });

  it('answers a status without a body (204, 304) with a null body', async () => {
    for (const status of [204, 304]) {
      server.on('/doc', (res) => void res.writeHead(status).end());
      const response = await requestPublicOnly(server.url('/doc'), get, signal(), anyAddress);
      expect([response.status, response.body]).toEqual([status, null]);
    }
  });

  it('rejects a status a Response cannot hold, rather than throwing out of the socket', async () => {
    server.on('/doc', (res) => void res.writeHead(600).end('{}'));
    expect((await rejection(requestPublicOnly(server.url('/doc'), get, signal(), anyAddress))).name).toBe('RangeError');
  });

  it('opens a connection per request, never reusing one', async () => {
    server.on('/doc', json({}));
    for (let i = 0; i < 2; i += 1) await (await requestPublicOnly(server.url('/doc'), get, signal(), anyAddress)).json();
    const [first, second] = server.requests;
    expect(first.remotePort).not.toBe(second.remotePort);
  });

  it('speaks TLS to an https URL', async () => {
    const url = new URL(server.url('/doc').href.replace('http:', 'https:'));
    const error = await rejection(requestPublicOnly(url, get, signal(), anyAddress));
    expect(error.code).not.toBe('ERR_INVALID_PROTOCOL');
    expect(error.message).toMatch(/SSL|TLS|wrong version|EPROTO/i);
  });

  it('stops when the signal aborts', async () => {
    server.on('/hang', hang);
    const controller = new AbortController();
    const pending = requestPublicOnly(server.url('/hang'), get, controller.signal, anyAddress);
    controller.abort();
    expect((await rejection(pending)).name).toBe('AbortError');
  });
});
