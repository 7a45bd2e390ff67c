import { ForbiddenException, Injectable, UnsupportedMediaTypeException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { devRequestRefusal, type DevRequestHeaders } from 'nestjs-warden/dev-issuer';

/**
 * The dev issuer's routes answer only a developer's own tools: a loopback `Host`, no `Origin` or a
 * loopback one, and JSON bodies (`devRequestRefusal` of `nestjs-warden/dev-issuer`). Without it, a
 * page that rebinds its DNS name to 127.0.0.1 could sign itself in as anyone.
 */
@Injectable()
export class DevRequestGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ method: string; headers: DevRequestHeaders }>();
    const refusal = devRequestRefusal(request.headers, { body: request.method === 'POST' });
    if (!refusal) return true;
    throw refusal.status === 415 ? new UnsupportedMediaTypeException(refusal.error) : new ForbiddenException(refusal.error);
  }
}
