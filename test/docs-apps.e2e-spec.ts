import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevIssuerServer, type RunningDevIssuer } from 'nestjs-warden/dev-issuer';
import { createTestDecryptionKey } from 'nestjs-warden/testing';
import { docApps, readTree, type DocApp } from './support/doc-apps.js';
import { documentationFiles } from './support/doc-blocks.js';
import { bootApp, compileApps, freePort, prepareDocsWorkspace, runAppTests, writeApps, type Ran } from './support/docs-workspace.js';
import { makeMtlsCertificates } from './support/mtls-certificates.js';
import { hasSystemBinary } from './support/system-binary.js';
import { TLS_CERTIFICATE_TOOL } from './support/tls-certificate.js';
import { REDIS_SERVER, startRedis, type RedisProcess } from './support/redis-server.js';

// Every TypeScript block of README.md and docs/*.md runs as pasted: each page's complete files,
// written over the NestJS 12 starter (test/package/fixtures/nest12-esm, `nest new --no-observe`)
// with the Quick start's files, make an app. Every app is compiled with the starter's tsconfig,
// started with `node` and called, and the test files the pages show are run. Excerpts must be in
// the file they name. Nothing here is a copy of the docs: the code is read from them at test time.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STARTER = path.join(ROOT, 'test/package/fixtures/nest12-esm');

/** What the starter contributes: its sources, tests, package.json and tsconfig.json. */
function starterFiles(): Map<string, string> {
  return new Map([...readTree(STARTER)].filter(([file]) => /^(src|test)\//.test(file) || ['package.json', 'tsconfig.json'].includes(file)));
}

function pages(): Map<string, string> {
  return new Map(documentationFiles(ROOT).map((doc) => [doc, readFileSync(path.join(ROOT, doc), 'utf8')]));
}

let dir: string;
let apps: DocApp[];
let problems: string[];
let prepared: Ran;
let compiled: { ok: boolean; diagnostics: string[] };
let issuer: RunningDevIssuer;
let redis: RedisProcess | undefined;
/** The environment every app is started with: the variables the docs name. */
let env: Record<string, string>;

beforeAll(async () => {
  ({ apps, problems } = docApps(starterFiles(), pages()));
  dir = mkdtempSync(path.join(os.tmpdir(), 'nestjs-warden-docs-'));
  prepared = await prepareDocsWorkspace(ROOT, dir, starterFiles());
  if (prepared.code !== 0) return;
  writeApps(dir, apps);
  compiled = await compileApps(ROOT, dir, apps);
  // The issuer the apps trust: serves its keys and an OpenID discovery document on 127.0.0.1.
  issuer = await startDevIssuerServer({ port: 0, keyFile: false });
  if (hasSystemBinary(REDIS_SERVER, 'docs apps declaring a Redis revocation store (they boot without it too)')) redis = await startRedis();
  // Providers' hosts point at a port where nothing listens: an app may try its keys at boot, never the internet.
  const nowhere = `127.0.0.1:${await freePort()}`;
  // The files an app that ends TLS itself reads (docs/sender-constrained.md): a test CA and a server certificate for 127.0.0.1.
  const tls: Record<string, string> = {};
  if (hasSystemBinary(TLS_CERTIFICATE_TOOL, 'docs apps ending TLS in Node (openssl)')) {
    const certs = makeMtlsCertificates([]);
    mkdirSync(path.join(dir, 'tls'));
    const files = { TLS_KEY_FILE: ['server.key', certs.server.key], TLS_CERT_FILE: ['server.pem', certs.server.cert], TLS_CA_FILE: ['ca.pem', certs.ca.cert] };
    for (const [name, [file, pem]] of Object.entries(files)) {
      tls[name] = path.join(dir, 'tls', file);
      writeFileSync(tls[name], pem);
    }
  }
  env = {
    AUTH_JWKS_URL: issuer.jwksUrl,
    AUTH_ISSUER: issuer.url,
    AUTH_AUDIENCE: 'https://api.example.test',
    AUTH_AUTHORIZED_PARTIES: 'http://localhost:5173',
    AUTH_DEBUG: 'true',
    AUTH_DECRYPTION_JWKS: JSON.stringify({ keys: [(await createTestDecryptionKey()).privateJwk] }),
    API_PUBLIC_ORIGIN: 'https://api.example.test',
    ...tls,
    REDIS_URL: redis?.url ?? `redis://${nowhere}`,
    RPC_PORT: String(await freePort()),
    CLERK_PUBLISHABLE_KEY: `pk_test_${Buffer.from(`${nowhere}$`).toString('base64')}`,
    CLERK_FRONTEND_API: nowhere,
    CLERK_AUTHORIZED_PARTIES: 'http://localhost:5173',
    CLERK_SECRET_KEY: 'sk_test_docs',
    CLERK_WEBHOOK_SIGNING_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    AUTH0_DOMAIN: nowhere,
    AUTH0_AUDIENCE: 'https://api.example.test',
    COGNITO_REGION: 'eu-west-1',
    COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
    COGNITO_CLIENT_ID: '4k2jqn0b5example1e8h6pq9s',
    COGNITO_ENDPOINT: `http://${nowhere}`,
    KEYCLOAK_URL: `http://${nowhere}`,
    KEYCLOAK_REALM: 'acme',
    KEYCLOAK_AUDIENCE: 'orders-api',
    OIDC_ISSUER: issuer.url,
    INTROSPECTION_URL: `http://${nowhere}/introspect`,
    INTROSPECTION_CLIENT_ID: 'docs-api',
    INTROSPECTION_CLIENT_SECRET: 'docs-api-secret',
    SUPABASE_JWT_SECRET: randomBytes(32).toString('hex'),
    SUPABASE_URL: 'https://abcdefghijklmnop.supabase.co',
  };
}, 420_000);

afterAll(async () => {
  await issuer?.close();
  await redis?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the documentation, run as pasted', () => {
  it('builds nestjs-warden into the starter app', () => {
    expect(prepared.code === 0 ? '' : prepared.output.slice(-4000)).toBe('');
  });

  it('marks every TypeScript block as a complete file or an excerpt of one, and every excerpt is in its file', () => {
    expect(problems).toEqual([]);
  });

  it('compiles every app with the starter tsconfig', () => {
    expect(compiled.diagnostics).toEqual([]);
    expect(compiled.ok).toBe(true);
  });

  it('starts every app that shows a file of its own; each answers GET / without a 5xx', async () => {
    const failures: string[] = [];
    // An app whose page shows test files only is the Quick start's app again: its tests run below.
    const queue = apps.filter((app) => app.shown.some((file) => !app.tests.includes(file)));
    // Two at a time: the machine has two cores.
    await Promise.all(
      [0, 1].map(async () => {
        for (let app = queue.shift(); app; app = queue.shift()) {
          const booted = await bootApp(dir, app, env);
          if (!booted.ok)
            failures.push(
              `${app.name} (${app.doc}${app.variant ? `, ${app.variant}` : ''}): GET / ${booted.status ?? 'never answered'}\n${booted.output.slice(-1500)}`,
            );
        }
      }),
    );
    expect(failures).toEqual([]);
  }, 300_000);

  it('passes the test files the docs show, with the configuration the apps read and no Redis', async () => {
    const withTests = apps.filter((app) => app.tests.length > 0);
    expect(withTests.length).toBeGreaterThan(0);
    // With the apps' configuration present, but Redis down: a declared Redis store must be swapped by
    // the testing kit (a kept one would make the boot wait and answer 503).
    const result = await runAppTests(ROOT, dir, withTests, { ...env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(result.code === 0 ? '' : result.output.slice(-6000)).toBe('');
    expect(result.output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
  }, 300_000);
});

describe('a tampered block', () => {
  it('fails the compile, naming the page and line', async () => {
    const docs = pages();
    const readme = docs.get('README.md')!;
    docs.set('README.md', readme.replace('import { Auth, OptionalAuth, RequireAuth,', 'import { Auth, OptionalAuth, RequiresAuth,'));
    const tampered = docApps(starterFiles(), docs).apps.filter((app) => app.doc === 'README.md');
    writeApps(path.join(dir, 'tampered'), tampered);
    writeFileSync(
      path.join(dir, 'tsconfig.tampered.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        include: ['tampered/apps/*/src', 'tampered/apps/*/test'],
        compilerOptions: { outDir: './dist-tampered', noEmit: true },
      }),
    );
    const result = await compileApps(ROOT, dir, tampered, 'tsconfig.tampered.json', 'tampered/apps');
    expect(result.ok).toBe(false);
    expect(result.diagnostics.join('\n')).toMatch(
      /README\.md:\d+ \(src\/invoices\.controller\.ts of app readme\): error TS2724: '"nestjs-warden"' has no exported member named 'RequiresAuth'/,
    );
  }, 120_000);

  it('fails the excerpt check when an excerpt is not in its file', () => {
    const docs = pages();
    docs.set('README.md', docs.get('README.md')!.replace('  @OptionalAuth() // public: runs signed out too', '  @OptionalAuth()'));
    expect(docApps(starterFiles(), docs).problems).toEqual([
      expect.stringMatching(/^README\.md:\d+: this excerpt of src\/app\.controller\.ts is not in the file \(docs\/quick-start\.md:\d+\)/),
    ]);
  });
});
