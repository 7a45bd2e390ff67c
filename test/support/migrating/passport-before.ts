// docs/migrating-from-passport.md, "before": the usual @nestjs/passport + passport-jwt + jwks-rsa
// setup, run by test/docs-migrating.e2e-spec.ts beside its nestjs-warden counterpart.
import { Controller, ExecutionContext, Get, Injectable, Module, Req, SetMetadata, type CanActivate } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy } from 'passport-jwt';

interface JwtUser {
  userId: string;
  permissions: string[];
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: passportJwtSecret({ jwksUri: process.env.AUTH_JWKS_URL!, cache: true, rateLimit: true }),
      issuer: process.env.AUTH_ISSUER,
      audience: process.env.AUTH_AUDIENCE,
      algorithms: ['RS256'],
    });
  }

  validate(payload: { sub: string; permissions?: string[] }): JwtUser {
    return { userId: payload.sub, permissions: payload.permissions ?? [] };
  }
}

export const IS_PUBLIC = 'isPublic';
export const Public = () => SetMetadata(IS_PUBLIC, true);
export const Permissions = (...permissions: string[]) => SetMetadata('permissions', permissions);

@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    return isPublic || super.canActivate(context);
  }
}

@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<string[]>('permissions', [context.getHandler(), context.getClass()]) ?? [];
    const user = context.switchToHttp().getRequest<{ user?: JwtUser }>().user;
    return required.every((permission) => user?.permissions.includes(permission));
  }
}

@Controller('invoices')
export class InvoicesController {
  @Get('mine')
  mine(@Req() req: { user: JwtUser }) {
    return { userId: req.user.userId };
  }

  @Permissions('invoices:read')
  @Get()
  list(@Req() req: { user: JwtUser }) {
    return { userId: req.user.userId, invoices: [] };
  }

  @Public()
  @Get('public')
  teaser() {
    return { public: true };
  }
}

@Module({
  imports: [PassportModule],
  controllers: [InvoicesController],
  providers: [JwtStrategy, { provide: APP_GUARD, useClass: JwtAuthGuard }, { provide: APP_GUARD, useClass: PermissionsGuard }],
})
export class AppModule {}
