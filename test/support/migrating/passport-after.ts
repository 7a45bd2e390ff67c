// docs/migrating-from-passport.md, "after": the same app on nestjs-warden, run by
// test/docs-migrating.e2e-spec.ts beside the passport version.
import { Controller, Get, Module } from '@nestjs/common';
import { Auth, AuthModule, OptionalAuth, RequireAuth } from 'nestjs-warden';
import { stringList } from 'nestjs-warden/core';

@Controller('invoices')
export class InvoicesController {
  @Get('mine') // required: the module's default policy
  mine(@Auth('userId') userId: string) {
    return { userId };
  }

  @RequireAuth({ permission: 'invoices:read' })
  @Get()
  list(@Auth('userId') userId: string) {
    return { userId, invoices: [] };
  }

  @OptionalAuth()
  @Get('public')
  teaser() {
    return { public: true };
  }
}

@Module({
  imports: [
    AuthModule.forRoot({
      jwksUrl: process.env.AUTH_JWKS_URL,
      issuer: process.env.AUTH_ISSUER,
      audience: process.env.AUTH_AUDIENCE,
      authorization: (claims) => ({ permissions: stringList(claims.permissions) }),
      global: true,
    }),
  ],
  controllers: [InvoicesController],
})
export class AppModule {}
