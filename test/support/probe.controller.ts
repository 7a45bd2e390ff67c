import { Controller, Get, Query } from '@nestjs/common';
import { Auth, RequireAuth, type SignedInAuthObject } from 'nestjs-warden';

/** Routes the interop suites probe: the auth object as JSON, has() on demand, one role-guarded route. */
@Controller()
export class ProbeController {
  @Get('me')
  me(@Auth() auth: SignedInAuthObject) {
    const { getToken: _getToken, has: _has, ...fields } = auth;
    return fields;
  }

  /** The request's own token, as `auth.getToken()` resolves it. */
  @Get('token')
  async token(@Auth() auth: SignedInAuthObject) {
    return { token: await auth.getToken() };
  }

  /** `GET /has?role=admin&permission=read` (also `feature`, `plan`): what `auth.has()` answers for that check. */
  @Get('has')
  has(@Auth() auth: SignedInAuthObject, @Query() query: Record<string, string>) {
    const check = Object.fromEntries(['role', 'permission', 'feature', 'plan'].filter((k) => query[k]).map((k) => [k, query[k]]));
    return { has: auth.has(check) };
  }

  @RequireAuth({ role: 'admin' })
  @Get('admin')
  admin() {
    return { ok: true };
  }
}
