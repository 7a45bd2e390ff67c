// `nestjs-warden/clerk-webhooks`: Clerk webhooks (Svix signatures) that feed the revocation store.
export { ClerkWebhooksModule, type ClerkWebhooksAsyncOptions } from './clerk-webhooks.module.js';
export { ClerkWebhook, ClerkEvent } from './clerk-webhook.decorators.js';
export { ClerkWebhookGuard, clerkEventOf } from './clerk-webhook.guard.js';
export { ClerkWebhookDeliveryInterceptor } from './clerk-webhook-deliveries.js';
export { type ClerkWebhooksOptions } from './clerk-webhook-options.js';
export {
  revocationTargetOf,
  type ClerkDeletedObjectData,
  type ClerkSessionData,
  type ClerkSessionEndingType,
  type ClerkWebhookEvent,
  type ClerkWebhookEventOf,
} from './clerk-webhook-event.js';
