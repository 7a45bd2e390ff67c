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
