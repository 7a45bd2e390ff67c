import { describe, expect, it } from '@jest/globals';
import ts from 'typescript';
import { addAuthModule } from './app-module.js';

// The root modules `nest new` writes (NestJS 11, and NestJS 12 with @nestjs/observe), and others.
const NEST11 = `import { Module } from '@nestjs/common';
import { AppController } from './app.controller';
import { AppService } from './app.service';

@Module({
  imports: [],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`;

const NEST12_OBSERVE = `import { Module } from '@nestjs/common';
import { createObserveModule } from '@nestjs/observe';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';

export const { ObserveModule, ObserveInstrument } = createObserveModule();

@Module({
  imports: [
    // Distributed tracing, auto-correlated logs, request/job metrics, error
    // telemetry, alarms, and more — out of the box. Sign up at https://observe.nestjs.com,
    // then run \`npx @nestjs/observe link\` to write your key pair into .env.
    ObserveModule.forRoot({
      appKey: process.env.OBSERVE_APP_KEY ?? 'YOUR_APP_KEY',
      appSecret: process.env.OBSERVE_APP_SECRET ?? 'YOUR_APP_SECRET',
      serviceId: 'n12',
    }),
  ],
  controllers: [AppController],
  providers: [AppService],
})
export class AppModule {}
`;

/** The file still parses, and `AuthModule` is imported from the package exactly once. */
function expectValid(text: string): void {
  const file = ts.createSourceFile('app.module.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  expect((file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
  expect(text.match(/import \{[^}]*\bAuthModule\b[^}]*\} from 'nestjs-warden';/g)).toHaveLength(1);
}

describe('addAuthModule', () => {
  it("adds forRoot to the NestJS 11 starter's empty imports, and its import after the package imports", () => {
    const { text, added } = addAuthModule(NEST11);
    expect(added).toBe('forRoot');
    expectValid(text);
    expect(text).toContain(`import { Module } from '@nestjs/common';
import { AuthModule } from 'nestjs-warden';
import { AppController } from './app.controller';`);
    expect(text).toContain(`@Module({
  imports: [
    // Verifies every request's token; global: every route needs a signed-in user unless marked @OptionalAuth().
    AuthModule.forRoot({
      jwksUrl: process.env.AUTH_JWKS_URL,`);
    expect(text).toContain(`      global: true,
    }),
  ],
  controllers: [AppController],`);
  });

  it('keeps @nestjs/observe and its comments in the NestJS 12 starter, and adds after it', () => {
    const { text } = addAuthModule(NEST12_OBSERVE);
    expectValid(text);
    const observe = NEST12_OBSERVE.slice(NEST12_OBSERVE.indexOf('export const'), NEST12_OBSERVE.indexOf('    }),\n  ],'));
    expect(text).toContain(observe);
    expect(text).toContain(`import { createObserveModule } from '@nestjs/observe';\nimport { AuthModule } from 'nestjs-warden';\n`);
    expect(text).toContain(`      serviceId: 'n12',
    }),
    // Verifies every request's token`);
    expect(text).toContain('export const { ObserveModule, ObserveInstrument } = createObserveModule();');
  });

  it('changes nothing the second time', () => {
    for (const source of [NEST11, NEST12_OBSERVE]) {
      const once = addAuthModule(source).text;
      expect(addAuthModule(once)).toEqual({ text: once, added: null });
    }
  });

  it('uses ConfigService when the module imports @nestjs/config, adding what it needs to that import', () => {
    const source = NEST11.replace(
      `import { Module } from '@nestjs/common';`,
      `import { Module } from '@nestjs/common';\nimport { ConfigModule } from '@nestjs/config';`,
    ).replace('imports: [],', 'imports: [ConfigModule.forRoot()],');
    const { text, added } = addAuthModule(source);
    expect(added).toBe('forRootAsync');
    expectValid(text);
    expect(text).toContain(`import { ConfigModule, ConfigService } from '@nestjs/config';`);
    expect(text).toContain(`  imports: [
    ConfigModule.forRoot(),
    // Verifies`);
    expect(text).toContain(`      useFactory: (config: ConfigService) => ({
        jwksUrl: config.getOrThrow<string>('AUTH_JWKS_URL'),`);
  });

  it('adds the imports property when there is none, or when the metadata is empty', () => {
    const without = addAuthModule(NEST11.replace('  imports: [],\n', '')).text;
    expectValid(without);
    expect(without).toContain('@Module({\n  imports: [\n    // Verifies');
    expect(without).toContain('  ],\n  controllers: [AppController],');
    const empty = addAuthModule(`import { Module } from '@nestjs/common';\n\n@Module({})\nexport class AppModule {}\n`).text;
    expectValid(empty);
    expect(empty).toContain('@Module({\n  imports: [\n    // Verifies');
    expect(empty).toContain('    }),\n  ],\n})\nexport class AppModule {}');
  });

  it('says what to do by hand when it cannot edit the module', () => {
    expect(() => addAuthModule('export const x = 1;\n')).toThrow(/no @Module\(\{ \.\.\. \}\) class: add AuthModule\.forRoot/);
    expect(() => addAuthModule(NEST11.replace('imports: [],', 'imports: MODULES,'))).toThrow(/not an array literal/);
  });
});
