import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { BadRequestException, HttpException, Logger, ServiceUnavailableException, type ExecutionContext, type LoggerService } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { AuthConfigError } from '../../config/auth-config-error.js';
import { resolveAuthOptions } from '../../config/resolve-auth-options.js';
import { memoryRevocationStore } from '../../revocation/memory-revocation-store.js';
import type { RevocationStore, RevocationTarget } from '../../revocation/revocation-store.js';
import { CLERK_WEBHOOK_SIGNATURE, ClerkWebhookGuard, clerkEventOf, deliveryIdOf } from './clerk-webhook.guard.js';
import { resolveClerkWebhooksOptions, type ClerkWebhooksOptions } from './clerk-webhook-options.js';
import { createSignatureCheck, type WebhookSignatureCheck } from './webhook-signature.js';
import { SECRET, signedDelivery, type Delivery } from './clerk-webhook.spec-support.js';

// The guard built as Nest builds it (options, the signature check made at boot, the AuthModule's
// options, the HTTP adapter host), on requests as Express and Fastify hand them over with rawBody: true.
// Deliveries are signed with the real standardwebhooks library; the e2e suite runs it in Nest apps.

const NOW_MS = 1_800_000_000_500;
const NOW = Math.floor(NOW_MS / 1000);

/** A delivery of `body`, signed at `sentAt` (seconds, default now), with the Svix header names Clerk sends. */
const delivery = (body: unknown, sentAt = NOW, id = 'msg_1'): Delivery => signedDelivery(body, sentAt, id);

const event = (type: string, data: Record<string, unknown> = { id: 'x_1' }) => ({ type, object: 'event', data });

/** A store that records what it was asked to revoke, or fails every write. */
function recordingStore(fail = false): RevocationStore & { revoked: RevocationTarget[] } {
  const revoked: RevocationTarget[] = [];
  return {
    revoked,
    revoke: (target: RevocationTarget) => {
      if (fail) return Promise.reject(new Error('store down'));
      revoked.push(target);
      return Promise.resolve();
    },
    isRevoked: () => false,
  };
}

describe('ClerkWebhookGuard', () => {
  let check: WebhookSignatureCheck;
  let warnings: string[];
  let headersSet: Array<[unknown, string, string]>;
  const adapterHost = () =>
    ({
      httpAdapter: { setHeader: (response: unknown, name: string, value: string) => headersSet.push([response, name, value]) },
    }) as unknown as HttpAdapterHost;

  beforeEach(async () => {
    check = await createSignatureCheck(SECRET);
    warnings = [];
    headersSet = [];
    // Each line with the logger context Nest prints before it.
    const capture = {
      log() {},
      error() {},
      warn: (message: unknown, context?: unknown) => warnings.push(`[${String(context)}] ${String(message)}`),
    } as LoggerService;
    Logger.overrideLogger(capture);
    jest.spyOn(Date, 'now').mockReturnValue(NOW_MS);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    Logger.overrideLogger(false);
  });

  /** `store`: the AuthModule's revocation store; null: an AuthModule without one; 'no module': no AuthModule at all. */
  const guard = (
    options: Partial<ClerkWebhooksOptions> = {},
    store: RevocationStore | null | 'no module' = recordingStore(),
    host: HttpAdapterHost | null = adapterHost(),
  ) =>
    new ClerkWebhookGuard(
      resolveClerkWebhooksOptions({ signingSecret: SECRET, ...options }),
      check,
      store === 'no module' ? undefined : resolveAuthOptions({ secret: 'a-test-secret-of-at-least-32-bytes!!', revocation: store ?? undefined }),
      host ?? undefined,
    );
  const response = { sent: false };
  const contextOf = (request: Delivery, res: unknown = response) =>
    ({ switchToHttp: () => ({ getRequest: () => request, getResponse: () => res }) }) as unknown as ExecutionContext;
  /** The error canActivate threw: its status and body. */
  const refusal = async (target: ClerkWebhookGuard, request: Delivery, res?: unknown) => {
    const error = await target.canActivate(contextOf(request, res)).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(HttpException);
    return { status: (error as HttpException).getStatus(), body: (error as HttpException).getResponse(), error };
  };
  const badRequest = (message: string) => ({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: `webhook refused: ${message}` } });

  describe('at boot', () => {
    it('injects the signature check under a registered symbol, so every copy of the package shares the token and Nest names it', () => {
      expect(CLERK_WEBHOOK_SIGNATURE).toBe(Symbol.for('nestjs-warden:clerk-webhook-signature'));
    });

    it('stops without a revocation store, naming the option, unless revocation is false', () => {
      for (const store of [null, 'no module'] as const) {
        const thrown = (() => {
          try {
            guard({}, store);
          } catch (error) {
            return error;
          }
        })();
        expect(thrown).toBeInstanceOf(AuthConfigError);
        expect((thrown as AuthConfigError).option).toBe('revocation');
        expect((thrown as AuthConfigError).message).toMatch(
          /^nestjs-warden: invalid option "revocation": ClerkWebhooksModule has no revocation store: .*session\.revoked, session\.ended, session\.removed and user\.deleted would be acknowledged and revoke nothing\. Give the AuthModule a store .* or set `revocation: false` if your handler revokes sessions itself$/,
        );
        expect(() => guard({ revocation: false }, store)).not.toThrow();
        expect(() => guard({ revocation: memoryRevocationStore() }, store)).not.toThrow();
      }
    });
  });

  describe('admitting a delivery', () => {
    it('admits a signed event, hands it and its delivery id to the request, and revokes nothing for other events', async () => {
      const store = recordingStore();
      const request = delivery(event('user.created', { id: 'user_1' }), NOW, 'msg_42');
      expect(clerkEventOf(request)).toBeUndefined();
      expect(deliveryIdOf(request)).toBeUndefined();
      await expect(guard({}, store).canActivate(contextOf(request))).resolves.toBe(true);
      expect(clerkEventOf(request)).toEqual(event('user.created', { id: 'user_1' }));
      expect(deliveryIdOf(request)).toBe('msg_42');
      expect(store.revoked).toEqual([]);
    });

    it('revokes a session ending (by sid) and user.deleted (by sub) in the store before admitting, scoped to the issuer', async () => {
      const store = recordingStore();
      const target = guard({ issuer: 'https://clerk.example.com' }, store);
      await target.canActivate(contextOf(delivery(event('session.ended', { id: 'sess_1' }))));
      await target.canActivate(contextOf(delivery(event('user.deleted', { id: 'user_1' }))));
      expect(store.revoked).toEqual([
        { iss: 'https://clerk.example.com', sid: 'sess_1' },
        { iss: 'https://clerk.example.com', sub: 'user_1' },
      ]);
    });

    it("uses its own store before the AuthModule's, and none with revocation: false", async () => {
      const own = recordingStore();
      const modules = recordingStore();
      await guard({ revocation: own }, modules).canActivate(contextOf(delivery(event('session.revoked', { id: 'sess_1' }))));
      expect([own.revoked, modules.revoked]).toEqual([[{ sid: 'sess_1' }], []]);
      const request = delivery(event('session.revoked', { id: 'sess_2' }));
      await expect(guard({ revocation: false }, modules).canActivate(contextOf(request))).resolves.toBe(true);
      expect(modules.revoked).toEqual([]);
      expect(clerkEventOf(request)?.type).toBe('session.revoked');
    });
  });

  describe('refusing a delivery with 400', () => {
    it('without a raw body, telling the app how to get one', async () => {
      for (const rawBody of [undefined, '{"type":"user.created","data":{}}', { type: 'user.created', data: {} }]) {
        const request = { ...delivery(event('user.created')), rawBody };
        expect(await refusal(guard(), request)).toMatchObject(badRequest('a JSON body is required'));
        expect(clerkEventOf(request)).toBeUndefined();
      }
      expect(warnings).toContain(
        '[nestjs-warden] Clerk webhook without a raw body: create the app with NestFactory.create(AppModule, { rawBody: true }) and send JSON',
      );
    });

    it('without its signature headers', async () => {
      const request = delivery(event('user.created'));
      delete request.headers['svix-signature'];
      expect(await refusal(guard(), request)).toMatchObject(badRequest('missing signature headers'));
    });

    it('sent further from now than the tolerance, either way, or with a timestamp that is no whole number', async () => {
      const target = guard({ toleranceInSeconds: 60 });
      // Date.now() is NOW_MS, half a second past NOW: 60.5 s before it is out, 59.5 s in.
      for (const sentAt of [NOW - 60, NOW + 61]) {
        expect(await refusal(target, delivery(event('user.created'), sentAt))).toMatchObject(badRequest('timestamp outside the tolerance'));
      }
      for (const sentAt of [NOW - 59, NOW + 60]) {
        await expect(target.canActivate(contextOf(delivery(event('user.created'), sentAt)))).resolves.toBe(true);
      }
      for (const sentAt of [`${NOW}.5`, 'soon', '9007199254740993']) {
        const request = delivery(event('user.created'));
        request.headers['svix-timestamp'] = sentAt;
        expect(await refusal(target, request)).toMatchObject(badRequest('timestamp outside the tolerance'));
      }
    });

    it('exactly at the tolerance, still in', async () => {
      jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
      const target = guard({ toleranceInSeconds: 60 });
      for (const sentAt of [NOW - 60, NOW + 60]) {
        await expect(target.canActivate(contextOf(delivery(event('user.created'), sentAt)))).resolves.toBe(true);
      }
    });

    it('with a signature that does not match the body, and a body that is no event', async () => {
      const request = delivery(event('user.created'));
      request.rawBody = Buffer.from(JSON.stringify(event('user.deleted', { id: 'user_1' })));
      expect(await refusal(guard(), request)).toMatchObject(badRequest('invalid signature'));
      expect(await refusal(guard(), delivery({ type: 'user.created' }))).toMatchObject(badRequest('not a webhook event'));
    });
  });

  describe('when the store cannot record the revocation', () => {
    it('answers 503 with Retry-After: 5 so the delivery is retried, and logs the event type only', async () => {
      const res = { sent: false };
      const request = delivery(event('session.removed', { id: 'sess_1' }));
      const refused = await refusal(guard({}, recordingStore(true)), request, res);
      expect(refused.error).toBeInstanceOf(ServiceUnavailableException);
      expect(refused).toMatchObject({ status: 503, body: { statusCode: 503, error: 'Service Unavailable', message: 'revocation not recorded; retry later' } });
      expect(headersSet).toEqual([[res, 'Retry-After', '5']]);
      expect(warnings).toEqual([
        '[nestjs-warden] Clerk webhook session.removed: the revocation could not be recorded; answering 503 so the delivery is retried',
      ]);
      expect(clerkEventOf(request)).toBeUndefined();
    });

    it('still answers 503 without a response object or an HTTP adapter', async () => {
      const request = delivery(event('user.deleted', { id: 'user_1' }));
      expect((await refusal(guard({}, recordingStore(true)), request, null)).status).toBe(503);
      expect(headersSet).toEqual([]);
      expect((await refusal(guard({}, recordingStore(true), null), request)).status).toBe(503);
      expect(headersSet).toEqual([]);
    });
  });

  it('refusals are BadRequestExceptions, never a 500', async () => {
    expect((await refusal(guard(), { headers: {} })).error).toBeInstanceOf(BadRequestException);
  });
});
