import { BadRequestException, Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { OptionalAuth, type RevocationStore, type RevocationTarget } from 'nestjs-warden';
import { REVOCATION_STORE } from '../revocation/revocation-store.provider.js';
import { DevRequestGuard } from './dev-request.guard.js';

/**
 * `POST /dev/revoke { sid } | { sub }` (dev issuer mode only): revokes a session or every session of
 * a user, as a Clerk webhook would. Public, like the rest of the dev issuer: never in production.
 */
@OptionalAuth()
@UseGuards(DevRequestGuard)
@Controller('dev')
export class DevRevokeController {
  constructor(@Inject(REVOCATION_STORE) private readonly store: RevocationStore) {}

  @Post('revoke')
  @HttpCode(200)
  async revoke(@Body() body: unknown): Promise<{ revoked: RevocationTarget }> {
    const target = revokeTarget(body);
    await this.store.revoke(target);
    return { revoked: target };
  }
}

function revokeTarget(body: unknown): RevocationTarget {
  const { sid, sub, ...rest } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const valid = (v: unknown) => typeof v === 'string' && /^[\w-]{1,128}$/.test(v);
  if (Object.keys(rest).length > 0 || (sid === undefined) === (sub === undefined) || !valid(sid ?? sub)) {
    throw new BadRequestException('expected { "sid": "sess_..." } or { "sub": "user_..." }');
  }
  return sid !== undefined ? { sid: sid as string } : { sub: sub as string };
}
