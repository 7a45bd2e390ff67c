import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Auth, AuthModule, OptionalAuth, RequireAuth, type AuthModuleOptions, type AuthObject } from 'nestjs-warden';
import { createHttpApp, type AdapterName } from './http-app.js';

/** Routes every security suite hits: required, optional, and a permission check. */
@Controller()
class SecurityProbeController {
  @Get('private')
  @RequireAuth()
  whoami(@Auth() auth: AuthObject): Record<string, unknown> {
    return { userId: auth.userId, sessionId: auth.sessionId, orgId: auth.orgId, claims: auth.claims };
  }

  @Get('optional')
  @OptionalAuth()
  optional(@Auth() auth: AuthObject): Record<string, unknown> {
    return { signedIn: auth.isAuthenticated, userId: auth.userId };
  }

  @Get('invoices')
  @RequireAuth({ permission: 'org:invoices:read' })
  invoices(): Record<string, unknown> {
    return { ok: true };
  }
}

/** A real Nest app guarding the probe routes with `options` (global guard, logger off). */
export function createSecurityApp(adapter: AdapterName, options: AuthModuleOptions): Promise<INestApplication> {
  return createHttpApp(adapter, {
    imports: [AuthModule.forRoot({ ...options, global: true })],
    controllers: [SecurityProbeController],
  });
}
