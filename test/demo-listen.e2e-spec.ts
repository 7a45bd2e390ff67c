import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { AppModule } from '../src/app.module.js';
import { listenDemo } from '../src/listen.js';

/** Issue 12, defect 11: in dev-issuer mode the demo listens on loopback only, and says where. */
describe('the demo in dev-issuer mode', () => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function start(env: NodeJS.ProcessEnv): Promise<{ app: INestApplication; lines: string[]; address: AddressInfo }> {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    apps.push(app);
    const lines: string[] = [];
    await listenDemo(app, env, (line) => lines.push(line));
    return { app, lines, address: app.getHttpServer().address() as AddressInfo };
  }

  it('binds to 127.0.0.1 by default and logs that address', async () => {
    const { lines, address } = await start({ PORT: '0' });
    expect(address.address).toBe('127.0.0.1');
    expect(lines).toEqual([`Listening on http://127.0.0.1:${address.port}`]);
    expect((await fetch(`http://127.0.0.1:${address.port}/health`)).status).toBe(200);
  });

  it('HOST says otherwise (another loopback address here), and the log line follows', async () => {
    const { lines, address } = await start({ PORT: '0', HOST: '127.0.0.2' });
    expect(address.address).toBe('127.0.0.2');
    expect(lines).toEqual([`Listening on http://127.0.0.2:${address.port}`]);
  });
});
