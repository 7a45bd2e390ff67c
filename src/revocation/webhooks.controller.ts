import { Controller, Logger, Post } from '@nestjs/common';
import { ClerkEvent, ClerkWebhook, type ClerkWebhookEvent } from 'nestjs-warden/clerk-webhooks';

/**
 * Clerk webhooks (registered when CLERK_WEBHOOK_SIGNING_SECRET is set). Session endings and
 * user.deleted are revoked before this handler runs; every verified event reaches it.
 */
@Controller('webhooks')
export class WebhooksController {
  private readonly logger = new Logger('Webhooks');

  @Post('clerk')
  @ClerkWebhook()
  receive(@ClerkEvent() event: ClerkWebhookEvent): { received: string } {
    this.logger.log(`Clerk event ${event.type}`);
    return { received: event.type };
  }
}
