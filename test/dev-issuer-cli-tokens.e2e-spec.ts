import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Auth, AuthModule, RequireAuth, type AuthObjectFor } from 'nestjs-warden';
import { runCli, type CliResult } from 'nestjs-warden/dev-issuer';
import request from 'supertest';
import { createHttpApp } from './support/http-app.js';

/**
 * Issue 23, item 6: the local issuer's `token` command in the cases a new user trips on. `--help` exits
 * 0 on every command; a second issuer's hint names its `--key-file`; a token signed with a key the
 * running issuer does not publish (minted in another project) is refused by the CLI, naming both key
 * files, instead of being a silent 401; machine and OAuth tokens, and JWT templates, can be minted.
 * The commands run in process (`runCli`, what the bin calls); the bin's exit code is the result's code.
 */
@Controller()
class AppController {
  @Get('me')
  me(@Auth('userId') userId: string) {
    return { userId };
  }

  @RequireAuth({ acceptsToken: 'm2m_token', scopes: ['invoices:read', 'invoices:write'] })
  @Get('export')
  export(@Auth('machineId') machineId: string) {
    return { machineId };
  }

  @RequireAuth({ acceptsToken: 'oauth_token', scope: 'profile' })
  @Get('oauth')
  oauth(@Auth() auth: AuthObjectFor<'oauth_token'>) {
    return { userId: auth.userId, clientId: auth.clientId, scopes: auth.scopes };
  }
}

interface Ran extends CliResult {
  stdout: string;
  stderr: string;
}

const dirs: string[] = [];
const closers: Array<() => Promise<unknown>> = [];

async function cli(cwd: string, args: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const result = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), cwd });
  if (result.running) closers.push(() => result.running!.close());
  return { ...result, stdout, stderr };
}

async function project(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nestjs-warden-project-'));
  dirs.push(dir);
  return dir;
}

let projectA: string;
let issuerA: Ran;
let app: INestApplication;

beforeAll(async () => {
  projectA = await project();
  issuerA = await cli(projectA, ['dev-issuer', '--port', '0']);
  expect(issuerA.code).toBe(0);
  const env = Object.fromEntries([...issuerA.stdout.matchAll(/^(AUTH_[A-Z_]+)=(.*)$/gm)].map(([, k, v]) => [k, v]));
  app = await createHttpApp('express', {
    imports: [AuthModule.forRoot({ jwksUrl: env.AUTH_JWKS_URL, issuer: env.AUTH_ISSUER, global: true })],
    controllers: [AppController],
  });
  closers.push(() => app.close());
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('nestjs-warden --help', () => {
  it.each([['token'], ['dev-issuer']])('%s --help prints that command and exits 0', async (command) => {
    for (const flag of ['--help', '-h']) {
      const result = await cli(projectA, [command, flag]);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toContain(`nestjs-warden ${command} `);
    }
  });
});

describe('nestjs-warden token and the issuer it mints for', () => {
  it('a second issuer with its own key file names that file in its hint', async () => {
    const second = await cli(projectA, ['dev-issuer', '--port', '0', '--key-file', 'keys/second.json']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('npx nestjs-warden token --key-file keys/second.json --sub user_1');
    expect(issuerA.stdout).toContain('npx nestjs-warden token --sub user_1');
    const minted = await cli(projectA, ['token', '--key-file', 'keys/second.json', '--sub', 'user_2']);
    expect([minted.code, minted.stderr]).toEqual([0, '']);
  });

  it('refuses a token signed with a key the running issuer does not publish, naming both key files', async () => {
    const issuerUrl = /^AUTH_ISSUER=(.*)$/m.exec(issuerA.stdout)![1];
    // Another project, whose key file was made by its own dev issuer once.
    const projectB = await project();
    const once = await cli(projectB, ['dev-issuer', '--port', '0']);
    await once.running!.close();
    const refused = await cli(projectB, ['token', '--sub', 'user_1', '--issuer', issuerUrl]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`the issuer at ${issuerUrl} does not publish the key of .nestjs-warden/dev-issuer-key.json`);
    expect(refused.stderr).toContain(`pass --key-file ${path.join(projectA, '.nestjs-warden/dev-issuer-key.json')}`);
    // With the file it names, the token is minted and the app trusting that issuer takes it.
    const fixed = await cli(projectB, [
      'token',
      '--sub',
      'user_1',
      '--issuer',
      issuerUrl,
      '--key-file',
      path.join(projectA, '.nestjs-warden/dev-issuer-key.json'),
    ]);
    expect(fixed.code).toBe(0);
    await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${fixed.stdout.trim()}`).expect(200, { userId: 'user_1' });
  });

  it('warns loudly, and still mints, when the issuer cannot be asked (not running)', async () => {
    const projectC = await project();
    const once = await cli(projectC, ['dev-issuer', '--port', '0']);
    await once.running!.close();
    const minted = await cli(projectC, ['token', '--sub', 'user_1']);
    expect(minted.code).toBe(0);
    expect(minted.stdout.trim()).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(minted.stderr).toMatch(
      /^warning: could not ask the issuer at http:\/\/127\.0\.0\.1:\d+ whether it publishes the key of \.nestjs-warden\/dev-issuer-key\.json \(nothing listens there\)/,
    );
  });
});

describe('nestjs-warden token: the other classes', () => {
  const bearer = async (args: string[]) => {
    const minted = await cli(projectA, ['token', ...args]);
    expect([minted.code, minted.stderr]).toEqual([0, '']);
    return { Authorization: `Bearer ${minted.stdout.trim()}` };
  };

  it('--m2m --scopes a b: a machine token the machine route takes, and session routes refuse', async () => {
    const machine = await bearer(['--m2m', '--sub', 'mch_billing', '--scopes', 'invoices:read', 'invoices:write']);
    await request(app.getHttpServer()).get('/export').set(machine).expect(200, { machineId: 'mch_billing' });
    await request(app.getHttpServer()).get('/me').set(machine).expect(401);
    const narrow = await bearer(['--m2m', '--scopes', 'invoices:read']);
    await request(app.getHttpServer()).get('/export').set(narrow).expect(403);
  });

  it('--oauth --scope "a b": an OAuth access token', async () => {
    const oauth = await bearer(['--oauth', '--sub', 'user_7', '--client-id', 'client_7', '--scope', 'profile email']);
    await request(app.getHttpServer())
      .get('/oauth')
      .set(oauth)
      .expect(200, { userId: 'user_7', clientId: 'client_7', scopes: ['profile', 'email'] });
    await request(app.getHttpServer()).get('/me').set(oauth).expect(401);
  });

  it('--template NAME: a JWT-template token, which nestjs-warden routes refuse as Clerk does', async () => {
    const template = await bearer(['--template', 'supabase', '--sub', 'user_1']);
    await request(app.getHttpServer()).get('/me').set(template).expect(401);
  });

  it('says what is wrong with a class option', async () => {
    expect(await cli(projectA, ['token', '--m2m', '--oauth'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--m2m and --oauth make different tokens'),
    });
    expect(await cli(projectA, ['token', '--scopes', 'a'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--scopes is the claim of M2M tokens') });
    expect(await cli(projectA, ['token', '--m2m', '--sub', 'user_1'])).toMatchObject({
      code: 1,
      stderr: 'nestjs-warden: the sub of an M2M token must start with mch_\n',
    });
    expect(await cli(projectA, ['token', '--m2m', '--claim', 'scopes=["invoices:read"]'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('scopes must be a string of space-separated scopes'),
    });
  });
});
