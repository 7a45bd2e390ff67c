import { connect, createServer, type Socket } from 'node:net';

/** A TCP relay on 127.0.0.1 that can stop forwarding while keeping every connection open: a stalled link. */
export interface TcpRelay {
  port: number;
  /** Bytes in either direction are held, not forwarded (connections stay open, new ones are accepted and held too). */
  stall(): void;
  /** Forwards what was held, in order, then everything as it comes. */
  resume(): void;
  close(): Promise<void>;
}

/** Starts a relay from a free loopback port to `targetPort` on 127.0.0.1. */
export function startTcpRelay(targetPort: number): Promise<TcpRelay> {
  let stalled = false;
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (stalled) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
  };
  const server = createServer((inbound) => {
    const outbound = connect(targetPort, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    forward(inbound, outbound);
    forward(outbound, inbound);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as { port: number }).port,
        stall: () => {
          stalled = true;
        },
        resume: () => {
          stalled = false;
          for (const send of held.splice(0)) send();
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
