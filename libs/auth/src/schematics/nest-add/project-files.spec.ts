import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { signInE2eTest } from './kit-sign-in.js';
import { COMMONJS_JEST_SETTINGS, formatJson, usesCommonJsJest, withCommonJsJestSettings, withEnvExample, withKeyFolderIgnored } from './project-files.js';

const STARTER_E2E = `import { Test, TestingModule } from '@nestjs/testing';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { App } from 'supertest/types';
import { AppModule } from './../src/app.module';

describe('AppController (e2e)', () => {
  let app: INestApplication<App>;

  beforeEach(async () => {
    const moduleFixture: TestingModule = await Test.createTestingModule({
      imports: [AppModule],
    }).compile();

    app = moduleFixture.createNestApplication();
    await app.init();
  });
});
`;

describe('signInE2eTest', () => {
  it("wraps the starter's testing module in the kit's override, once", () => {
    const signed = signInE2eTest(STARTER_E2E)!;
    expect(signed).toContain(`import { App } from 'supertest/types';\nimport { clerkSessionClaims, createTestAuth } from 'nestjs-warden/testing';\n`);
    expect(signed).toContain(
      "    const moduleFixture: TestingModule = await createTestAuth({ as: clerkSessionClaims({ userId: 'user_1' }) }).override(Test.createTestingModule({\n      imports: [AppModule],\n    })).compile();",
    );
    expect(signed).toMatch(/\n {4}\/\/ nestjs-warden: no keys needed[^\n]*\n {4}const moduleFixture/);
    expect(signInE2eTest(signed)).toBeNull();
  });

  it('leaves a test alone that builds no module around AppModule', () => {
    expect(signInE2eTest(STARTER_E2E.replace('imports: [AppModule]', 'controllers: []'))).toBeNull();
  });
});

describe('project files', () => {
  it('.env.example: written, completed, then left alone', () => {
    const fresh = withEnvExample(null)!;
    expect(fresh).toMatch(/^# nestjs-warden/);
    expect(fresh).toMatch(/^AUTH_JWKS_URL=https:\/\/.+\nAUTH_ISSUER=https:\/\/.+\n$/m);
    expect(withEnvExample(fresh)).toBeNull();
    const completed = withEnvExample('PORT=3000\nAUTH_ISSUER=https://mine.example\n')!;
    expect(completed).toMatch(/^PORT=3000\nAUTH_ISSUER=https:\/\/mine\.example\n\n# nestjs-warden/);
    expect(completed.match(/AUTH_ISSUER=/g)).toHaveLength(1);
    expect(completed).toContain('AUTH_JWKS_URL=');
  });

  it('.gitignore: the key folder added once, whichever way it is written', () => {
    expect(withKeyFolderIgnored(null)).toBe("# nestjs-warden: the local issuer's signing key\n.nestjs-warden/\n");
    expect(withKeyFolderIgnored('node_modules\ndist')).toBe("node_modules\ndist\n\n# nestjs-warden: the local issuer's signing key\n.nestjs-warden/\n");
    for (const line of ['.nestjs-warden', '/.nestjs-warden/', ' .nestjs-warden/ ']) expect(withKeyFolderIgnored(`dist\n${line}\n`)).toBeNull();
  });

  it('Jest settings: for CommonJS apps with Jest only; merged once; a transformIgnorePatterns of the app is reported, not overwritten', () => {
    expect(usesCommonJsJest({ devDependencies: { jest: '^30' } })).toBe(true);
    expect(usesCommonJsJest({ type: 'module', devDependencies: { jest: '^30' } })).toBe(false);
    expect(usesCommonJsJest({ type: 'module', devDependencies: { vitest: '^4' } })).toBe(false);
    const merged = withCommonJsJestSettings({ testEnvironment: 'node', moduleNameMapper: { '^@app/(.*)$': '<rootDir>/src/$1' } });
    expect(merged.conflict).toBeNull();
    expect(merged.config).toEqual({
      testEnvironment: 'node',
      transformIgnorePatterns: COMMONJS_JEST_SETTINGS.transformIgnorePatterns,
      moduleNameMapper: { '^@app/(.*)$': '<rootDir>/src/$1', '^(\\.{1,2}/.*)\\.js$': '$1' },
    });
    expect(withCommonJsJestSettings(merged.config!)).toEqual({ config: null, conflict: null });
    const own = withCommonJsJestSettings({ transformIgnorePatterns: ['/node_modules/(?!lodash-es)'] });
    expect(own.conflict).toBe('transformIgnorePatterns');
    expect(own.config).toEqual({ transformIgnorePatterns: ['/node_modules/(?!lodash-es)'], moduleNameMapper: COMMONJS_JEST_SETTINGS.moduleNameMapper });
  });

  it('are the settings docs/platforms.md gives for NestJS 11 and CommonJS', () => {
    const doc = readFileSync(new URL('../../../../../docs/platforms.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('\n## NestJS 11 and CommonJS\n'));
    const block = /```json\n([\s\S]*?)\n```/.exec(section)![1];
    expect(JSON.parse(block)).toEqual(COMMONJS_JEST_SETTINGS);
  });

  it('writes JSON as the file had it: one-line arrays stay on one line', () => {
    const original = '{\n  "moduleFileExtensions": ["js", "json", "ts"],\n  "rootDir": "."\n}\n';
    expect(formatJson({ ...JSON.parse(original), testEnvironment: 'node' }, original)).toBe(
      '{\n  "moduleFileExtensions": ["js", "json", "ts"],\n  "rootDir": ".",\n  "testEnvironment": "node"\n}\n',
    );
    expect(formatJson({ a: ['x'] }, '{\n  "a": [\n    "x"\n  ]\n}\n')).toBe('{\n  "a": [\n    "x"\n  ]\n}\n');
  });
});
