import { afterEach, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  Injectable,
  Post,
  UseGuards,
  type INestApplication,
  type INestMicroservice,
  type LoggerService,
  type ModuleMetadata,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Query, Resolver } from '@nestjs/graphql';
import { MessagePattern, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { Test } from '@nestjs/testing';
import { Auth, AuthBootCheckError, AuthConfigError, AuthGuard, AuthModule, OptionalAuth, RequireAuth, type AuthModuleOptions } from 'nestjs-warden';
import { ClerkWebhook, ClerkWebhooksModule } from 'nestjs-warden/clerk-webhooks';
import request from 'supertest';
import { newSigningSecret } from './support/clerk-webhook-sender.js';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';

/** Issue 12, defect 1: a handler with a nestjs-warden decorator that no AuthGuard covers stops the boot. */
const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const SHARED_SECRET = SECRET;
const auth = (extra: Partial<AuthModuleOptions> & { global?: boolean } = {}) => AuthModule.forRoot({ secret: SECRET, issuer: 'https://issuer.test', ...extra });

@Controller('invoices')
export class InvoicesController {
  @RequireAuth({ permission: 'org:invoices:read' })
  @Get()
  list(): string[] {
    return ['inv-1'];
  }
}

@OptionalAuth()
@Controller('feed')
class FeedController {
  @Get() all(): string {
    return this.format('all');
  }

  @Get('mine') mine(@Auth('userId') userId: string | null): string {
    return this.format(userId ?? 'nobody');
  }

  /** Not a handler: no route decorator, so never named. */
  format(value: string): string {
    return `feed: ${value}`;
  }
}

@Controller('profile')
class ProfileController {
  @Get() me(@Auth('userId') userId: string): string {
    return userId;
  }

  @Get('public') open(): string {
    return 'no decorator of ours: not our business';
  }
}

@Injectable()
class TenantGuard extends AuthGuard {}

@UseGuards(AuthGuard)
@Controller('guarded-class')
class GuardedClassController {
  @RequireAuth() @Get() get(): string {
    return 'ok';
  }
}

@Controller('guarded-method')
class GuardedMethodController {
  @UseGuards(AuthGuard) @RequireAuth() @Get() get(): string {
    return 'ok';
  }

  @RequireAuth() @Get('forgotten') forgotten(): string {
    return 'open to anyone';
  }
}

@Controller('guarded-method')
class GuardedMethodOnlyController {
  @UseGuards(AuthGuard) @RequireAuth() @Get() get(): string {
    return 'ok';
  }
}

@UseGuards(TenantGuard)
@Controller('subclass')
class SubclassGuardedController {
  @RequireAuth() @Get() get(): string {
    return 'ok';
  }
}

const logs: { warn: string[]; all: string[] } = { warn: [], all: [] };
const logger: LoggerService = {
  log: (m: unknown) => void logs.all.push(String(m)),
  error: (m: unknown) => void logs.all.push(String(m)),
  warn: (m: unknown) => {
    logs.warn.push(String(m));
    logs.all.push(String(m));
  },
};

const opened: Array<INestApplication | INestMicroservice> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close().catch(() => undefined)));
  logs.warn.length = 0;
  logs.all.length = 0;
});

async function createApp(metadata: ModuleMetadata): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication({ logger });
  opened.push(app);
  return app;
}

async function initError(app: INestApplication | INestMicroservice): Promise<AuthBootCheckError> {
  const error = await app.init().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthBootCheckError);
  return error as AuthBootCheckError;
}

describe('HTTP controllers', () => {
  it('@RequireAuth({ permission }) with no guard anywhere fails app.init() naming Class.method', async () => {
    const error = await initError(await createApp({ imports: [auth()], controllers: [InvoicesController] }));
    expect(error.handlers).toEqual(['InvoicesController.list']);
    expect(error.message).toContain('InvoicesController.list');
    expect(error.message).toContain('global: true');
    expect(error.message).toContain("uncoveredHandlers: 'warn'");
  });

  it('names every uncovered handler: class-level @OptionalAuth, @Auth() parameters, a method left out of a method-level guard', async () => {
    const app = await createApp({ imports: [auth()], controllers: [FeedController, ProfileController, GuardedMethodController] });
    const error = await initError(app);
    expect([...error.handlers].sort()).toEqual(['FeedController.all', 'FeedController.mine', 'GuardedMethodController.forgotten', 'ProfileController.me']);
  });

  it.each<[string, ModuleMetadata, string]>([
    ['forRoot({ global: true })', { imports: [auth({ global: true })], controllers: [InvoicesController, FeedController, ProfileController] }, '/invoices'],
    [
      'forRootAsync({ global: true })',
      {
        imports: [AuthModule.forRootAsync({ useFactory: () => ({ secret: SECRET, issuer: 'https://issuer.test' }), global: true })],
        controllers: [InvoicesController],
      },
      '/invoices',
    ],
    [
      'an APP_GUARD subclass of AuthGuard',
      { imports: [auth()], controllers: [InvoicesController], providers: [{ provide: APP_GUARD, useClass: TenantGuard }] },
      '/invoices',
    ],
    [
      'an APP_GUARD aliasing AuthGuard',
      { imports: [auth()], controllers: [InvoicesController], providers: [{ provide: APP_GUARD, useExisting: AuthGuard }] },
      '/invoices',
    ],
    ['@UseGuards(AuthGuard) on the class', { imports: [auth()], controllers: [GuardedClassController] }, '/guarded-class'],
    ['@UseGuards(AuthGuard) on the method', { imports: [auth()], controllers: [GuardedMethodOnlyController] }, '/guarded-method'],
    ['@UseGuards(a subclass) on the class', { imports: [auth()], controllers: [SubclassGuardedController], providers: [TenantGuard] }, '/subclass'],
  ])('boots when covered by %s, and the guard runs', async (_name, metadata, path) => {
    const app = await createApp(metadata);
    await app.init();
    expect((await request(app.getHttpServer()).get(path)).status).toBe(401);
  });

  it('a @ClerkWebhook() handler is guarded by its own signature check and needs no AuthGuard', async () => {
    @Controller('webhooks')
    class WebhooksController {
      @Post('clerk')
      @ClerkWebhook()
      receive(): string {
        return 'ok';
      }
    }
    const webhooks = ClerkWebhooksModule.forRoot({ signingSecret: newSigningSecret(), revocation: false });
    const app = await createApp({ imports: [auth(), webhooks], controllers: [WebhooksController] });
    await app.init();
    expect((await request(app.getHttpServer()).post('/webhooks/clerk').send({})).status).toBe(400);
  });

  it("bootChecks: { uncoveredHandlers: 'warn' } boots and logs each uncovered handler once", async () => {
    const authModule = AuthModule.forRoot({
      secret: SHARED_SECRET,
      issuer: 'https://issuer.test',
      // These routes are authenticated by the app's own middleware; the handlers only read the result.
      bootChecks: { uncoveredHandlers: 'warn' },
    });
    const app = await createApp({ imports: [authModule], controllers: [InvoicesController, ProfileController] });
    await app.init();
    const warning = logs.warn.filter((w) => w.includes('AuthGuard'));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toContain('InvoicesController.list');
    expect(warning[0]).toContain('ProfileController.me');
    expect(logs.all.join('\n')).not.toContain(SECRET);
    // What the check is for: with nothing guarding it, the permission route answers anyone.
    expect((await request(app.getHttpServer()).get('/invoices')).status).toBe(200);
  });

  it('checks the bootChecks option itself', async () => {
    for (const bootChecks of [{ uncoveredHandler: 'warn' }, { uncoveredHandlers: 'off' }, 'warn']) {
      const error = await Test.createTestingModule({ imports: [auth({ bootChecks } as never)] })
        .setLogger(false as never)
        .compile()
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(AuthConfigError);
      expect((error as Error).message).toContain('bootChecks');
    }
  });
});

@Resolver()
class ReportsResolver {
  @RequireAuth({ permission: 'org:reports:read' })
  @Query()
  reports(): string[] {
    return ['r-1'];
  }
}

describe('GraphQL resolvers', () => {
  const graphql = () => GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, typeDefs: 'type Query { reports: [String!] }' });

  it('an unguarded resolver fails the boot naming Resolver.query', async () => {
    const error = await initError(await createApp({ imports: [graphql(), auth()], providers: [ReportsResolver] }));
    expect(error.handlers).toEqual(['ReportsResolver.reports']);
  });

  it('boots with the global guard', async () => {
    const app = await createApp({ imports: [graphql(), auth({ global: true })], providers: [ReportsResolver] });
    await app.init();
  });
});

@WebSocketGateway()
class ChatGateway {
  @SubscribeMessage('whoami')
  whoami(@Auth('userId') userId: string): string {
    return userId;
  }
}

@UseGuards(AuthGuard)
@WebSocketGateway()
class GuardedChatGateway {
  @SubscribeMessage('whoami')
  whoami(@Auth('userId') userId: string): string {
    return userId;
  }
}

describe('WebSocket gateways', () => {
  it('an @Auth() parameter in an unguarded gateway fails the boot', async () => {
    const error = await initError(await createApp({ imports: [auth()], providers: [ChatGateway] }));
    expect(error.handlers).toEqual(['ChatGateway.whoami']);
  });

  it('boots with @UseGuards(AuthGuard) on the gateway', async () => {
    await (await createApp({ imports: [auth()], providers: [GuardedChatGateway] })).init();
  });
});

@Controller()
class OrdersMessages {
  @RequireAuth()
  @MessagePattern('orders.list')
  list(): string[] {
    return ['o-1'];
  }
}

describe('microservice message handlers', () => {
  async function createMicroservice(metadata: ModuleMetadata): Promise<INestMicroservice> {
    const moduleRef = await Test.createTestingModule(metadata).compile();
    const service = moduleRef.createNestMicroservice<MicroserviceOptions>({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 }, logger });
    opened.push(service);
    return service;
  }

  it('an unguarded @MessagePattern handler fails the boot', async () => {
    const error = await initError(await createMicroservice({ imports: [auth()], controllers: [OrdersMessages] }));
    expect(error.handlers).toEqual(['OrdersMessages.list']);
  });

  it('boots with the global guard', async () => {
    await (await createMicroservice({ imports: [auth({ global: true })], controllers: [OrdersMessages] })).init();
  });
});
