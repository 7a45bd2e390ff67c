import type { INestMicroservice } from '@nestjs/common';
import { ClientProxyFactory, Transport, type ClientProxy, type MicroserviceOptions } from '@nestjs/microservices';
import type { TestingModule } from '@nestjs/testing';
import type { AddressInfo, Server } from 'node:net';

/** A compiled module served as a TCP microservice on 127.0.0.1 (a free port), with a connected client. */
export interface TcpMicroservice {
  service: INestMicroservice;
  client: ClientProxy;
  /** Closes the client, then the service. */
  close(): Promise<void>;
}

/** Starts `moduleRef` as a TCP microservice on loopback and connects a client to it. */
export async function startTcpMicroservice(moduleRef: TestingModule): Promise<TcpMicroservice> {
  const service = moduleRef.createNestMicroservice<MicroserviceOptions>({
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: 0 },
    logger: false,
  });
  await service.listen();
  const { port } = service.unwrap<Server>().address() as AddressInfo;
  const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  await client.connect();
  return {
    service,
    client,
    close: async () => {
      await client.close();
      await service.close();
    },
  };
}
