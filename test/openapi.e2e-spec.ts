import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module, Param, UseGuards, VersioningType, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiResponse, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Auth, AuthGuard, AuthModule, OptionalAuth, RequireAuth } from 'nestjs-warden';
import { applyAuthToOpenApi } from 'nestjs-warden/openapi';
import { createTestIssuer } from 'nestjs-warden/testing';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { createOpenApiDocument } from '../src/openapi.js';
import { createHttpApp } from './support/http-app.js';

/** The extension this library adds to an operation. */
const policyOf = (operation: object | undefined): unknown => (operation as Record<string, unknown> | undefined)?.['x-nestjs-warden'];

const BOTH = [{ bearer: [] }, { cookie: [] }];
const OPTIONAL = [{}, ...BOTH];

describe("the demo app's OpenAPI document", () => {
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    app = await createHttpApp('express', { imports: [AppModule] });
    document = await createOpenApiDocument(app);
  });
  afterAll(() => app?.close());

  it('registers the bearer and the __session cookie schemes', () => {
    expect(document.components?.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      cookie: { type: 'apiKey', in: 'cookie', name: '__session', description: 'The session token (JWT)' },
    });
  });

  it('lists exactly the demo routes', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        'GET /',
        'GET /.well-known/jwks.json',
        'GET /feed',
        'GET /health',
        'GET /me',
        'GET /org/invoices',
        'POST /dev/tokens',
        'POST /dev/session',
        'DELETE /dev/session',
        'POST /dev/revoke',
      ].sort(),
    );
  });

  it.each([
    ['/health', 'get'],
    ['/feed', 'get'],
    ['/.well-known/jwks.json', 'get'],
    ['/dev/tokens', 'post'],
    ['/', 'get'],
    ['/dev/session', 'post'],
    ['/dev/session', 'delete'],
    ['/dev/revoke', 'post'],
  ])('%s (%s) is @OptionalAuth: a token is optional, no 401/403/503', (path, method) => {
    const operation = document.paths[path][method as 'get'];
    expect(operation?.security).toEqual(OPTIONAL);
    expect(Object.keys(operation?.responses ?? {}).filter((status) => ['401', '403', '503'].includes(status))).toEqual([]);
    expect(policyOf(operation)).toEqual({ policy: 'optional' });
  });

  it('GET /me is required by the default policy of the global guard: bearer or cookie, 401, and 503 (the demo asks a revocation store)', () => {
    const operation = document.paths['/me'].get!;
    expect(operation.security).toEqual(BOTH);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '401', '503']);
    expect(operation.responses['401']).toMatchObject({ description: 'Unauthorized: no token, or the token was refused' });
    expect(policyOf(operation)).toEqual({ policy: 'required' });
  });

  it('GET /org/invoices requires a permission: 401 and 403 naming it, 503', () => {
    const operation = document.paths['/org/invoices'].get!;
    expect(operation.security).toEqual(BOTH);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '401', '403', '503']);
    expect(operation.responses['403']).toMatchObject({ description: 'Forbidden: signed in without permission "org:invoices:read"' });
    expect(policyOf(operation)).toEqual({ policy: 'required', check: { permission: 'org:invoices:read' } });
  });

  it('leaves Swagger metadata as it found it (a second document is identical)', async () => {
    const again = await createOpenApiDocument(app);
    expect(again).toEqual(document);
    const plain = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    expect(JSON.stringify(plain)).not.toContain('x-nestjs-warden');
  });
});

@Controller('items')
class ItemsController {
  @Get(':id')
  @ApiResponse({ status: 401, description: 'our own words' })
  item(@Param('id') id: string, @Auth('userId') userId: string) {
    return { id, userId };
  }

  @OptionalAuth()
  @Get()
  list() {
    return [];
  }
}

@Controller('open')
class UnguardedController {
  @Get()
  open() {
    return 'no AuthGuard here';
  }
}

@UseGuards(AuthGuard)
@Controller('admin')
class AdminController {
  @RequireAuth({ role: 'admin' })
  @Get()
  admin() {
    return 'admin';
  }
}

@Controller('exports')
class ExportsController {
  @RequireAuth({ acceptsToken: 'm2m_token', scope: 'invoices:read' })
  @Get()
  export() {
    return [];
  }

  @RequireAuth({ acceptsToken: ['session_token', 'm2m_token'], scopes: ['invoices:read', 'invoices:write'] })
  @Get('both')
  both() {
    return [];
  }
}

describe('applyAuthToOpenApi on other setups', () => {
  const apps: INestApplication[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('follows the global prefix, URI versions and parameters; a remote key source adds 503; keeps responses the app documented', async () => {
    const issuer = await createTestIssuer();
    const served = await issuer.serve();
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(served.moduleOptions({ global: true, tokenSources: ['header'] }))],
      controllers: [ItemsController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    apps.push(app);
    app.setGlobalPrefix('api');
    app.enableVersioning({ type: VersioningType.URI, defaultVersion: '2' });
    await app.init();
    const config = new DocumentBuilder().setTitle('Invoices API').setVersion('1.0').build();
    const document = await applyAuthToOpenApi(SwaggerModule.createDocument(app, config), app);
    SwaggerModule.setup('docs', app, document);
    await served.close();

    expect(document.components?.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
    const item = document.paths['/api/v2/items/{id}'].get!;
    expect(item.security).toEqual([{ bearer: [] }]);
    expect(item.responses['401']).toEqual({ description: 'our own words' });
    expect(item.responses['503']).toMatchObject({ headers: { 'Retry-After': expect.any(Object) } });
    expect(document.paths['/api/v2/items'].get!.security).toEqual([{}, { bearer: [] }]);
    const served2 = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(served2.body.paths['/api/v2/items/{id}'].get.security).toEqual([{ bearer: [] }]);
  });

  it('documents only the routes an AuthGuard covers when there is no global guard', async () => {
    const issuer = await createTestIssuer();
    @Module({ imports: [AuthModule.forRoot(issuer.moduleOptions())], controllers: [UnguardedController, AdminController] })
    class NoGlobalGuardModule {}
    const app = await createHttpApp('express', { imports: [NoGlobalGuardModule] });
    apps.push(app);
    const document = await applyAuthToOpenApi(SwaggerModule.createDocument(app, new DocumentBuilder().setOpenAPIVersion('3.1.0').build()), app);
    expect(document.paths['/open'].get!.security).toBeUndefined();
    expect(document.paths['/open'].get!.responses['401']).toBeUndefined();
    expect(document.paths['/admin'].get!.security).toEqual(BOTH);
    expect(Object.keys(document.paths['/admin'].get!.responses).sort()).toEqual(['200', '401', '403']);
  });

  it('lists the scopes a route requires (OpenAPI 3.1), and offers machine-only routes the header alone', async () => {
    const issuer = await createTestIssuer();
    const app = await createHttpApp('express', { imports: [AuthModule.forRoot(issuer.moduleOptions({ global: true }))], controllers: [ExportsController] });
    apps.push(app);
    const document = await applyAuthToOpenApi(SwaggerModule.createDocument(app, new DocumentBuilder().setOpenAPIVersion('3.1.0').build()), app);
    const machines = document.paths['/exports'].get!;
    expect(machines.security).toEqual([{ bearer: ['invoices:read'] }]);
    expect(machines.responses['403']).toMatchObject({ description: 'Forbidden: signed in without scope "invoices:read"' });
    expect(policyOf(machines)).toEqual({ policy: 'required', acceptsToken: 'm2m_token', check: { scope: 'invoices:read' }, scopes: ['invoices:read'] });
    const both = document.paths['/exports/both'].get!;
    expect(both.security).toEqual([{ bearer: ['invoices:read', 'invoices:write'] }, { cookie: ['invoices:read', 'invoices:write'] }]);
  });

  it('says what is missing when the app has no AuthModule', async () => {
    const app = await createHttpApp('express', { controllers: [UnguardedController] });
    apps.push(app);
    await expect(applyAuthToOpenApi(SwaggerModule.createDocument(app, new DocumentBuilder().build()), app)).rejects.toThrow(
      'nestjs-warden: applyAuthToOpenApi() needs an app that imports AuthModule.forRoot() or forRootAsync()',
    );
  });
});
