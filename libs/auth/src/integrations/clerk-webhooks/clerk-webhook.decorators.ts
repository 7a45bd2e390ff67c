import { applyDecorators, createParamDecorator, HttpCode, SetMetadata, UseGuards, UseInterceptors, type ExecutionContext } from '@nestjs/common';
import { AUTH_GUARD_NOT_NEEDED_METADATA } from '../../auth.constants.js';
import { OptionalAuth } from '../../auth.decorators.js';
import { ClerkWebhookDeliveryInterceptor } from './clerk-webhook-deliveries.js';
import { clerkEventOf, ClerkWebhookGuard } from './clerk-webhook.guard.js';

/**
 * Makes a POST handler a Clerk webhook endpoint: `ClerkWebhookGuard` verifies the delivery (400
 * otherwise) and revokes what it ends; the handler receives the event with `@ClerkEvent()` and
 * answers 200. A delivery id already handled within the replay window is answered 200
 * `{ duplicate: true }` without running the handler (`ClerkWebhookDeliveryInterceptor`). The route carries no user token, so it is `@OptionalAuth()` for a global AuthGuard,
 * and needs no AuthGuard at all (the boot check knows).
 *
 * @example
 * @Controller('webhooks')
 * export class ClerkWebhooksController {
 *   @Post('clerk')
 *   @ClerkWebhook()
 *   receive(@ClerkEvent() event: ClerkWebhookEvent) {
 *     if (event.type === 'user.created') this.users.create(event.data);
 *   }
 * }
 */
export function ClerkWebhook(): MethodDecorator {
  return applyDecorators(
    OptionalAuth(),
    SetMetadata(AUTH_GUARD_NOT_NEEDED_METADATA, true),
    UseGuards(ClerkWebhookGuard),
    UseInterceptors(ClerkWebhookDeliveryInterceptor),
    HttpCode(200),
  );
}

/** The verified Clerk event of a `@ClerkWebhook()` handler. */
export const ClerkEvent: () => ParameterDecorator = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  clerkEventOf(context.switchToHttp().getRequest<object>()),
);
