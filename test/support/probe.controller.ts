import { Controller, Get, Query } from '@nestjs/common';
import { Auth, RequireAuth, type SignedInAuthObject } from 'nest-warden';

/** Routes the interop suites probe: the auth object as JSON, has() on demand, one role-guarded route. */
@Controller()
export class ProbeController {
  @Get('me')
  me(@Auth() auth: SignedInAuthObject) {
    const { getToken: _getToken, has: _has, ...fields } = auth;
    return fields;
  }

  /** `GET /has?role=admin&permission=read`: what `auth.has()` answers for that check. */
  @Get('has')
  has(@Auth() auth: SignedInAuthObject, @Query('role') role?: string, @Query('permission') permission?: string) {
    return { has: auth.has({ ...(role ? { role } : {}), ...(permission ? { permission } : {}) }) };
  }

  @RequireAuth({ role: 'admin' })
  @Get('admin')
  admin() {
    return { ok: true };
  }
}
