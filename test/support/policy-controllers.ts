import { Controller, Get, Module, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { Auth, AuthGuard, getAuth, OptionalAuth, RequireAuth, type AuthObject } from 'nestjs-warden';

/** What every route answers: who is calling, as the handler saw it. */
export interface Seen {
  route: string;
  userId: string | null;
  isAuthenticated: boolean;
}

const seen = (route: string, auth: AuthObject): Seen => ({ route, userId: auth.userId, isAuthenticated: auth.isAuthenticated });

@Controller('plain')
export class PlainController {
  @Get() plain(@Auth() auth: AuthObject): Seen {
    return seen('plain', auth);
  }
}

@RequireAuth()
@Controller('class-required')
export class ClassRequiredController {
  @Get('strict') strict(@Auth() auth: AuthObject): Seen {
    return seen('strict', auth);
  }

  @OptionalAuth()
  @Get('relaxed')
  relaxed(@Auth() auth: AuthObject): Seen {
    return seen('relaxed', auth);
  }
}

@OptionalAuth()
@Controller('class-optional')
export class ClassOptionalController {
  @Get('open') open(@Auth() auth: AuthObject): Seen {
    return seen('open', auth);
  }

  @RequireAuth()
  @Get('closed')
  closed(@Auth() auth: AuthObject): Seen {
    return seen('closed', auth);
  }
}

@Controller('method')
export class MethodController {
  @RequireAuth() @Get('required') required(@Auth('userId') userId: string): { userId: string } {
    return { userId };
  }

  @OptionalAuth() @Get('optional') optional(@Auth('isAuthenticated') signedIn: boolean): { signedIn: boolean } {
    return { signedIn };
  }

  @RequireAuth({ permission: 'org:invoices:read' }) @Get('permission') permission(@Auth('orgId') orgId: string): { orgId: string } {
    return { orgId };
  }

  @RequireAuth({ role: 'org:admin' }) @Get('role') role(): { ok: true } {
    return { ok: true };
  }

  @RequireAuth({ feature: 'reports' }) @Get('feature') feature(): { ok: true } {
    return { ok: true };
  }

  @RequireAuth({ plan: 'pro' }) @Get('plan') plan(): { ok: true } {
    return { ok: true };
  }

  @RequireAuth({ role: 'org:admin', permission: 'org:invoices:read' }) @Get('both') both(): { ok: true } {
    return { ok: true };
  }

  @Get('getauth') viaGetAuth(@Req() req: Request): { userId: string | null; same: boolean } {
    const auth = getAuth(req);
    // req.auth is typed for Express users: no cast needed.
    return { userId: auth.userId, same: auth === req.auth };
  }
}

/** Every policy combination, for a global guard. */
export const POLICY_CONTROLLERS = [PlainController, ClassRequiredController, ClassOptionalController, MethodController];

@UseGuards(AuthGuard)
@Controller('feature')
export class GuardedFeatureController {
  @Get('default') byDefault(@Auth('userId') userId: string | null): { userId: string | null } {
    return { userId };
  }

  @OptionalAuth() @Get('optional') optional(@Auth('userId') userId: string | null): { userId: string | null } {
    return { userId };
  }
}

@Controller('unguarded')
export class UnguardedController {
  @Get() unguarded(@Req() req: object): { error: string } {
    try {
      getAuth(req);
      return { error: 'none' };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }
}

/** A feature module that guards its controller with @UseGuards(AuthGuard), no global guard. */
@Module({ controllers: [GuardedFeatureController, UnguardedController] })
export class GuardedFeatureModule {}
