// docs/migrating-from-clerk-express.md, "before": a Nest app on @clerk/express's middleware,
// compiled by the type check and run by test/docs-migrating.e2e-spec.ts.
import { clerkMiddleware, getAuth } from '@clerk/express';
import { Controller, ForbiddenException, Get, Module, Req, UnauthorizedException, type INestApplication } from '@nestjs/common';
import type { Request } from 'express';

export function useClerk(app: INestApplication) {
  // CLERK_SECRET_KEY and CLERK_PUBLISHABLE_KEY (and CLERK_JWT_KEY, for networkless verification) come from the environment
  app.use(clerkMiddleware({ authorizedParties: ['https://app.example.com'] }));
}

@Controller('invoices')
export class InvoicesController {
  @Get('mine')
  mine(@Req() req: Request) {
    const { isAuthenticated, userId } = getAuth(req);
    if (!isAuthenticated) throw new UnauthorizedException();
    return { userId };
  }

  @Get()
  list(@Req() req: Request) {
    const auth = getAuth(req);
    if (!auth.isAuthenticated) throw new UnauthorizedException();
    if (!auth.has({ permission: 'org:invoices:read' })) throw new ForbiddenException();
    return { orgId: auth.orgId };
  }

  @Get('public')
  teaser(@Req() req: Request) {
    return { more: getAuth(req).isAuthenticated };
  }
}

@Module({ controllers: [InvoicesController] })
export class AppModule {}
