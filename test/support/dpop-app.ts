import { Controller, Get, Post, type INestApplication } from '@nestjs/common';
import { Auth, AuthModule, OptionalAuth, RequireAuth, type AnyAuthObject, type AuthModuleOptions } from 'nestjs-warden';
import type { TestIssuer } from 'nestjs-warden/testing';
import { createHttpApp, type AdapterName, type HttpAppSettings } from './http-app.js';

/** What a route answers: who is signed in and how the token was bound. */
function seen(auth: AnyAuthObject) {
  return {
    isAuthenticated: auth.isAuthenticated,
    subject: auth.isAuthenticated ? (auth.claims?.sub ?? null) : null,
    binding: (auth as { binding?: unknown }).binding ?? null,
  };
}

/** Routes of the sender-constraint suites: the module's mode, DPoP required, DPoP off, mTLS required, optional. */
@Controller()
export class SenderConstrainedController {
  @Get('orders')
  list(@Auth() auth: AnyAuthObject) {
    return seen(auth);
  }

  @Post('orders')
  create(@Auth() auth: AnyAuthObject) {
    return seen(auth);
  }

  @RequireAuth({ dpop: 'required' })
  @Get('dpop-only')
  dpopOnly(@Auth() auth: AnyAuthObject) {
    return seen(auth);
  }

  @RequireAuth({ dpop: 'off' })
  @Get('no-dpop')
  noDpop(@Auth() auth: AnyAuthObject) {
    return seen(auth);
  }

  @RequireAuth({ mtls: 'required' })
  @Get('mtls-only')
  mtlsOnly(@Auth() auth: AnyAuthObject) {
    return seen(auth);
  }

  @OptionalAuth({ dpop: 'required' })
  @Get('optional')
  optional(@Auth() auth: AnyAuthObject) {
    return seen(auth);
  }
}

/** A Nest app trusting `issuer`, listening on 127.0.0.1 (port 0), and its base URL. */
export async function startSenderConstrainedApp(
  adapter: AdapterName,
  issuer: TestIssuer,
  options: Partial<AuthModuleOptions>,
  settings: HttpAppSettings = {},
): Promise<{ app: INestApplication; url: string }> {
  const app = await createHttpApp(
    adapter,
    { imports: [AuthModule.forRoot(issuer.moduleOptions({ debug: true, ...options, global: true }))], controllers: [SenderConstrainedController] },
    settings,
  );
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `${settings.tls ? 'https' : 'http'}://127.0.0.1:${address.port}` };
}
