import { ConflictException, Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { finalize, of, tap, type Observable } from 'rxjs';
import { deliveryIdOf } from './clerk-webhook.guard.js';

/** Injection token of the {@link DeliveryLog} built at boot. */
export const CLERK_WEBHOOK_DELIVERIES = Symbol.for('nestjs-warden:clerk-webhook-deliveries');

/** Where a delivery id stands: being handled, or handled. */
type DeliveryState = 'pending' | 'done';

/**
 * The delivery ids (`svix-id`) handled within the replay window: a signed delivery is accepted while
 * its timestamp is within the tolerance of now, so its id is remembered for twice the tolerance.
 * A bounded LRU: at most `maxEntries` ids, each dropped when the window has passed.
 */
export class DeliveryLog {
  private readonly ids: LRUCache<string, DeliveryState>;

  constructor(windowMs: number, maxEntries: number, clock?: () => number) {
    this.ids = new LRUCache<string, DeliveryState>({ max: maxEntries, ttl: windowMs, ttlResolution: 0, ...(clock ? { perf: { now: clock } } : {}) });
  }

  /** Marks `id` as being handled and answers 'new'; or answers where it stands already. */
  begin(id: string): 'new' | DeliveryState {
    const state = this.ids.get(id);
    if (state !== undefined) return state;
    this.ids.set(id, 'pending');
    return 'new';
  }

  /** The handler succeeded: further deliveries with this id are duplicates for the window. */
  finish(id: string): void {
    this.ids.set(id, 'done');
  }

  /** The handler failed: a retry of this id is handled again. */
  abandon(id: string): void {
    this.ids.delete(id);
  }

  /** How many ids are held. */
  get size(): number {
    return this.ids.size;
  }
}

/**
 * Handles each Clerk delivery once per id within the replay window. A delivery handled already (a
 * replay, or Svix retrying after our 200 was lost) is answered 200 `{ duplicate: true }` without
 * running the handler again; one being handled right now, 409 (Svix retries later); one whose
 * handler failed is forgotten, so its retry runs. Revocation is in the guard, before this: recording
 * it again is harmless. Applied by `@ClerkWebhook()`.
 */
@Injectable()
export class ClerkWebhookDeliveryInterceptor implements NestInterceptor {
  constructor(@Inject(CLERK_WEBHOOK_DELIVERIES) private readonly log: DeliveryLog) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const id = deliveryIdOf(context.switchToHttp().getRequest<object>());
    if (id === undefined) return next.handle();
    const state = this.log.begin(id);
    if (state === 'done') return of({ duplicate: true });
    if (state === 'pending') {
      throw new ConflictException({ statusCode: 409, error: 'Conflict', message: 'this webhook delivery is being handled; retry later' });
    }
    let handled = false;
    const done = () => {
      handled = true;
      this.log.finish(id);
    };
    return next.handle().pipe(
      tap({ next: done, complete: done }),
      finalize(() => {
        if (!handled) this.log.abandon(id);
      }),
    );
  }
}
