import {
  BadRequestException,
  Inject,
  Injectable,
  Logger,
  Optional,
  ServiceUnavailableException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthConfigError } from '../../config/auth-config-error.js';
import { AUTH_OPTIONS } from '../../auth.constants.js';
import type { ResolvedAuthOptions } from '../../config/resolved-options.js';
import type { RevocationStore } from '../../revocation/revocation-store.js';
import { isClerkWebhookEvent, revocationTargetOf, type ClerkWebhookEvent } from './clerk-webhook-event.js';
import { CLERK_WEBHOOKS_OPTIONS, webhookIssuer, type ResolvedClerkWebhooksOptions } from './clerk-webhook-options.js';
import { signatureHeaders, type WebhookSignatureCheck } from './webhook-signature.js';

/** Injection token of the signature check built at boot. */
export const CLERK_WEBHOOK_SIGNATURE = Symbol.for('nestjs-warden:clerk-webhook-signature');

const deliveries = new WeakMap<object, { event: ClerkWebhookEvent; id: string }>();
const logger = new Logger('nestjs-warden');
/** `Retry-After` when the revocation could not be recorded: Clerk (Svix) retries the delivery. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Admits a Clerk webhook delivery: verifies its Svix / Standard Webhooks signature on the raw body
 * (`NestFactory.create(AppModule, { rawBody: true })`) and its timestamp, then revokes what a
 * session-ending or `user.deleted` event names, then hands the event to the handler
 * (`@ClerkEvent()`). A bad signature, a stale timestamp or a body that is not an event: 400.
 * The revocation could not be recorded: 503 with `Retry-After`, so the delivery is retried.
 * Apply it with `@ClerkWebhook()`.
 */
@Injectable()
export class ClerkWebhookGuard implements CanActivate {
  private readonly store: RevocationStore | undefined;
  /** The Clerk instance's `iss` revocations are scoped to; undefined: every issuer. */
  private readonly issuer: string | undefined;

  constructor(
    @Inject(CLERK_WEBHOOKS_OPTIONS) private readonly options: ResolvedClerkWebhooksOptions,
    @Inject(CLERK_WEBHOOK_SIGNATURE) private readonly verifySignature: WebhookSignatureCheck,
    @Optional() @Inject(AUTH_OPTIONS) authOptions?: ResolvedAuthOptions,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    this.store = options.revocation === false ? undefined : (options.revocation ?? authOptions?.revocation);
    // Acknowledging a session ending with 200 and revoking nothing would be silent: Clerk never retries.
    if (!this.store && options.revocation !== false) {
      throw new AuthConfigError(
        'revocation',
        'ClerkWebhooksModule has no revocation store: the AuthModule has no `revocation` and none was given here, so session.revoked, ' +
          'session.ended, session.removed and user.deleted would be acknowledged and revoke nothing. Give the AuthModule a store ' +
          '(memoryRevocationStore(), redisRevocationStore()), pass one as ClerkWebhooksModule `revocation`, or set `revocation: false` ' +
          'if your handler revokes sessions itself',
      );
    }
    this.issuer = webhookIssuer(options, authOptions);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<{ rawBody?: unknown; headers: Record<string, string | string[] | undefined> }>();
    const { event, id } = this.verify(request);
    const target = revocationTargetOf(event, this.issuer);
    if (target && this.store) {
      try {
        await this.store.revoke(target);
      } catch {
        logger.warn(`Clerk webhook ${event.type}: the revocation could not be recorded; answering 503 so the delivery is retried`);
        const response: unknown = http.getResponse();
        if (response) this.adapterHost?.httpAdapter.setHeader(response, 'Retry-After', String(RETRY_AFTER_SECONDS));
        throw new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: 'revocation not recorded; retry later' });
      }
    }
    deliveries.set(request, { event, id });
    return true;
  }

  private verify(request: { rawBody?: unknown; headers: Record<string, string | string[] | undefined> }): { event: ClerkWebhookEvent; id: string } {
    const raw = request.rawBody;
    if (!Buffer.isBuffer(raw)) {
      logger.warn('Clerk webhook without a raw body: create the app with NestFactory.create(AppModule, { rawBody: true }) and send JSON');
      throw invalid('a JSON body is required');
    }
    const headers = signatureHeaders(request.headers);
    if (!headers) throw invalid('missing signature headers');
    const sentAt = Number(headers['webhook-timestamp']);
    if (!Number.isSafeInteger(sentAt) || Math.abs(Date.now() / 1000 - sentAt) > this.options.toleranceInSeconds) {
      throw invalid('timestamp outside the tolerance');
    }
    let payload: unknown;
    try {
      payload = this.verifySignature(raw, headers);
    } catch {
      throw invalid('invalid signature');
    }
    if (!isClerkWebhookEvent(payload)) throw invalid('not a webhook event');
    return { event: payload, id: headers['webhook-id'] };
  }
}

/** The event `ClerkWebhookGuard` admitted on this request, or undefined. */
export function clerkEventOf(request: object): ClerkWebhookEvent | undefined {
  return deliveries.get(request)?.event;
}

/** The delivery id (`svix-id`, signed with the body) of the event admitted on this request, or undefined. */
export function deliveryIdOf(request: object): string | undefined {
  return deliveries.get(request)?.id;
}

function invalid(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `webhook refused: ${message}` });
}
