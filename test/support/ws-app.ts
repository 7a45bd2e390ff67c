import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { withWsHandshake } from 'nestjs-warden';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';

/** The WebSocket adapters every gateway suite runs on. */
export const WS_ADAPTERS = ['socket.io', 'ws'] as const;
export type WsAdapterName = (typeof WS_ADAPTERS)[number];

/** A gateway app listening on 127.0.0.1 (port 0), logger off. */
export async function createWsApp(
  adapter: WsAdapterName,
  metadata: ModuleMetadata,
  customize: (builder: TestingModuleBuilder) => TestingModuleBuilder = (b) => b,
): Promise<{ app: INestApplication; port: number }> {
  const moduleRef = await customize(Test.createTestingModule(metadata)).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useWebSocketAdapter(adapter === 'ws' ? withWsHandshake(new WsAdapter(app)) : new IoAdapter(app));
  await app.listen(0, '127.0.0.1');
  return { app, port: (app.getHttpServer().address() as AddressInfo).port };
}

/** How a test client opens its connection. */
export interface WsConnectOptions {
  headers?: Record<string, string>;
  /** socket.io only: `io(url, { auth })`. */
  auth?: Record<string, string>;
}

/** A connected client that sends one event and waits for the `reply` or the `exception`. */
export interface WsTestClient {
  call(event: string, data?: unknown): Promise<{ reply?: unknown; exception?: Record<string, unknown> }>;
  close(): void;
}

const CALL_TIMEOUT_MS = 2000;

/** Connects a real client: socket.io-client, or `ws` speaking Nest's `{ event, data }` frames. */
export async function connectWsClient(adapter: WsAdapterName, port: number, options: WsConnectOptions = {}): Promise<WsTestClient> {
  return adapter === 'ws' ? connectWs(port, options) : connectIo(port, options);
}

function withTimeout<T>(executor: (resolve: (value: T) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = executor((value) => {
      clearTimeout(timer);
      cleanup();
      resolve(value);
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no reply within ${CALL_TIMEOUT_MS} ms`));
    }, CALL_TIMEOUT_MS);
  });
}

async function connectIo(port: number, options: WsConnectOptions): Promise<WsTestClient> {
  const socket: Socket = io(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    extraHeaders: options.headers,
    auth: options.auth,
    reconnection: false,
    forceNew: true,
  });
  await withTimeout<void>((resolve) => {
    socket.once('connect', () => resolve());
    return () => socket.off('connect');
  });
  return {
    call: (event, data = {}) =>
      withTimeout((resolve) => {
        const onReply = (reply: unknown) => resolve({ reply });
        const onException = (exception: Record<string, unknown>) => resolve({ exception });
        socket.once('reply', onReply);
        socket.once('exception', onException);
        socket.emit(event, data);
        return () => {
          socket.off('reply', onReply);
          socket.off('exception', onException);
        };
      }),
    close: () => socket.disconnect(),
  };
}

async function connectWs(port: number, options: WsConnectOptions): Promise<WsTestClient> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`, { headers: options.headers });
  await withTimeout<void>((resolve) => {
    socket.once('open', () => resolve());
    return () => socket.removeAllListeners('open');
  });
  return {
    call: (event, data = {}) =>
      withTimeout((resolve) => {
        const onMessage = (raw: WebSocket.RawData) => {
          const frame = JSON.parse(Buffer.concat(Array.isArray(raw) ? raw : [Buffer.from(raw as ArrayBuffer)]).toString()) as { event: string; data: unknown };
          if (frame.event === 'reply') resolve({ reply: frame.data });
          if (frame.event === 'exception') resolve({ exception: frame.data as Record<string, unknown> });
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ event, data }));
        return () => socket.off('message', onMessage);
      }),
    close: () => socket.close(),
  };
}
