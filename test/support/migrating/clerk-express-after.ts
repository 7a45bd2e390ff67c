// docs/migrating-from-clerk-express.md, "after": the same app on nestjs-warden, run by
// test/docs-migrating.e2e-spec.ts beside the @clerk/express version.
import { Controller, Get, Module } from '@nestjs/common';
import { Auth, AuthModule, clerk, OptionalAuth, RequireAuth, type AuthObject } from 'nestjs-warden';

@Controller('invoices')
export class InvoicesController {
  @Get('mine') // required: the module's default policy
  mine(@Auth('userId') userId: string) {
    return { userId };
  }

  @RequireAuth({ permission: 'org:invoices:read' })
  @Get()
  list(@Auth('orgId') orgId: string) {
    return { orgId };
  }

  @OptionalAuth()
  @Get('public')
  teaser(@Auth() auth: AuthObject) {
    return { more: auth.isAuthenticated };
  }
}

@Module({
  imports: [
    AuthModule.forRoot({
      ...clerk({ publishableKey: process.env.CLERK_PUBLISHABLE_KEY!, jwtKey: process.env.CLERK_JWT_KEY }),
      authorizedParties: ['https://app.example.com'],
      global: true,
    }),
  ],
  controllers: [InvoicesController],
})
export class AppModule {}
