import { describe, expect, it } from '@jest/globals';
import { rememberWsHandshake, withWsHandshake, wsHandshakeOf } from './ws-handshake.js';

describe('WebSocket handshakes', () => {
  it('socket.io sockets carry their own handshake: headers and auth', () => {
    const socket = { handshake: { headers: { cookie: '__session=t' }, auth: { token: 'abc' } } };
    expect(wsHandshakeOf(socket)).toEqual({ headers: { cookie: '__session=t' }, auth: { token: 'abc' } });
  });

  it('a plain ws socket has none until its upgrade request is remembered, and only the first one counts', () => {
    const client = {};
    expect(wsHandshakeOf(client)).toBeUndefined();
    rememberWsHandshake(client, { headers: { authorization: 'Bearer first' } });
    rememberWsHandshake(client, { headers: { authorization: 'Bearer second' } });
    expect(wsHandshakeOf(client)).toEqual({ headers: { authorization: 'Bearer first' } });
  });

  it('withWsHandshake records the request of every connection before the gateway sees it', () => {
    const seen: unknown[] = [];
    let connect: ((...args: unknown[]) => unknown) | undefined;
    const adapter = {
      bindClientConnect(_server: unknown, callback: (...args: never[]) => unknown) {
        connect = callback as (...args: unknown[]) => unknown;
      },
    };
    expect(withWsHandshake(adapter)).toBe(adapter);
    adapter.bindClientConnect({}, (client: object) => seen.push(wsHandshakeOf(client)));
    const client = {};
    connect?.(client, { headers: { authorization: 'Bearer t' } });
    expect(seen).toEqual([{ headers: { authorization: 'Bearer t' } }]);
  });

  it("knows whether the connection is TLS: socket.io's handshake.secure, the upgrade request's socket", () => {
    expect(wsHandshakeOf({ handshake: { headers: {}, secure: true } })?.secure).toBe(true);
    expect(wsHandshakeOf({ handshake: { headers: {}, secure: false } })?.secure).toBe(false);
    expect(wsHandshakeOf({ handshake: { headers: {}, secure: 'yes' } })?.secure).toBeUndefined();
    const tls = {};
    rememberWsHandshake(tls, { headers: {}, socket: { encrypted: true } });
    expect(wsHandshakeOf(tls)?.secure).toBe(true);
    const plain = {};
    rememberWsHandshake(plain, { headers: {}, socket: {} });
    expect(wsHandshakeOf(plain)?.secure).toBe(false);
    const unknown = {};
    rememberWsHandshake(unknown, { headers: {} });
    expect(wsHandshakeOf(unknown)?.secure).toBeUndefined();
  });

  it('ignores what is not an object', () => {
    expect(() => rememberWsHandshake(null, undefined)).not.toThrow();
    expect(wsHandshakeOf('socket')).toBeUndefined();
    expect(wsHandshakeOf({ handshake: { headers: 'x', auth: 1 } })).toEqual({ headers: undefined, auth: undefined });
  });
});

describe('WebSocket handshakes: what is read, and only when it has the right shape', () => {
  it('socket.io: the upgrade URL and TLS, each only when of its type', () => {
    expect(wsHandshakeOf({ handshake: { headers: { host: 'h' }, auth: { token: 't' }, secure: false, url: '/socket.io/?EIO=4' } })).toEqual({
      headers: { host: 'h' },
      auth: { token: 't' },
      secure: false,
      url: '/socket.io/?EIO=4',
    });
    expect(wsHandshakeOf({ handshake: { headers: null, auth: null, secure: 1, url: 42 } })).toEqual({
      headers: undefined,
      auth: undefined,
      secure: undefined,
      url: undefined,
    });
    expect(wsHandshakeOf({ handshake: 'not an object' })).toBeUndefined();
    expect(wsHandshakeOf({ handshake: null })).toBeUndefined();
    expect(wsHandshakeOf(null)).toBeUndefined();
  });

  it('a ws upgrade request: its headers, URL and TLS, each only when of its type', () => {
    const client = {};
    rememberWsHandshake(client, { headers: { host: 'h' }, url: '/ws?x=1', socket: { encrypted: true } });
    expect(wsHandshakeOf(client)).toEqual({ headers: { host: 'h' }, secure: true, url: '/ws?x=1' });
    const odd = {};
    rememberWsHandshake(odd, { headers: 'h', url: 7, socket: 'tls' });
    expect(wsHandshakeOf(odd)).toEqual({ headers: undefined, secure: undefined, url: undefined });
    const nullHeaders = {};
    rememberWsHandshake(nullHeaders, { headers: null, socket: null });
    expect(wsHandshakeOf(nullHeaders)).toEqual({ headers: undefined, secure: undefined, url: undefined });
  });

  it('remembers nothing for a request that is not an object, so a later real one still counts', () => {
    const client = {};
    rememberWsHandshake(client, null);
    rememberWsHandshake(client, 'GET /ws');
    expect(wsHandshakeOf(client)).toBeUndefined();
    rememberWsHandshake(client, { headers: { authorization: 'Bearer late' } });
    expect(wsHandshakeOf(client)?.headers).toEqual({ authorization: 'Bearer late' });
    expect(() => rememberWsHandshake('client', { headers: {} })).not.toThrow();
  });

  it('withWsHandshake keeps the adapter as `this`, passes the server and every argument, and returns what the gateway returns', () => {
    const calls: unknown[] = [];
    class Adapter {
      readonly name = 'adapter';
      connect?: (...args: unknown[]) => unknown;
      bindClientConnect(server: unknown, callback: (...args: never[]) => unknown) {
        calls.push([this.name, server]);
        this.connect = callback as (...args: unknown[]) => unknown;
        return 'bound';
      }
    }
    const adapter = withWsHandshake(new Adapter());
    const server = { port: 0 };
    expect(adapter.bindClientConnect(server, (...args: unknown[]) => ['gateway saw', ...args])).toBe('bound');
    expect(calls).toEqual([['adapter', server]]);
    const client = {};
    const request = { headers: { authorization: 'Bearer t' }, url: '/ws' };
    expect(adapter.connect?.(client, request, 'extra')).toEqual(['gateway saw', client, request, 'extra']);
    expect(wsHandshakeOf(client)).toEqual({ headers: { authorization: 'Bearer t' }, secure: undefined, url: '/ws' });
  });
});
