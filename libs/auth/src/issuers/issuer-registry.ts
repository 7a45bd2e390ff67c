import { LRUCache } from 'lru-cache';
import { AuthError, AuthErrorReason } from '../auth.errors.js';
import type { IssuerConfig } from '../config/resolved-options.js';
import type { IssuerVerifier } from '../verification/issuer-verifier.js';
import { LookupBudget } from './lookup-budget.js';
import { sameAnswer } from './same-answer.js';
import { AuthConfigError, labelled } from '../config/auth-config-error.js';
import type { ResolvedIssuers } from '../config/resolved-options.js';

interface Known {
  verifier: IssuerVerifier;
  /** What `resolveIssuer` answered: an unchanged answer keeps the key source (and its fetched keys). */
  answer: unknown;
  /** The answer is asked for again from this instant (ms, the module's clock). */
  validUntil: number;
  /** After a failed re-validation, the resolver is not asked about this issuer again before this instant. */
  retryAt?: number;
}

/** Bytes the refused `iss` values may take together (each counted by its length, plus overhead). */
const REFUSED_MAX_BYTES = 1024 * 1024;
const REFUSED_ENTRY_OVERHEAD = 64;
/**
 * A known issuer whose re-validation failed is asked again after this long (at most its TTL): its
 * re-validations spend no budget, so a resolver that fails fast must not be asked once per request.
 */
const REVALIDATION_RETRY_IN_MS = 5000;

/** What the registry reports to operators: a fixed text, or an option error's own message (which never holds a value). */
export type IssuerFailureListener = (message: string) => void;

/**
 * The issuers `resolveIssuer` answered for, each with its own key source: at most `maxIssuers` at
 * once (the least recently used is retired), every answer (null included) kept for the TTL, one
 * call at a time per `iss`. Issuers not known yet are looked up within a budget of `maxCalls` calls
 * per TTL ({@link LookupBudget}: refilled continuously; a lookup that finds a working issuer gives
 * its call back), so a flood of made-up `iss` values costs neither memory nor key fetches nor more
 * lookups than the budget. Issuers already known re-validate outside that budget (at most once per
 * TTL each, or per retry delay after a failure): junk can never starve the tenants the app serves.
 * No memory is reserved for the configured limits: the registry holds what it holds. Framework-free.
 */
export class IssuerRegistry {
  private readonly known: LRUCache<string, Known>;
  private readonly refused: LRUCache<string, number>;
  private readonly pending = new Map<string, Promise<IssuerVerifier>>();
  private readonly budget: LookupBudget;
  private failing = false;

  constructor(
    private readonly settings: ResolvedIssuers,
    private readonly build: (options: IssuerConfig) => IssuerVerifier,
    private readonly clock: () => number,
    private readonly onFailure: IssuerFailureListener = () => undefined,
  ) {
    // Bounded by size, not `max`: lru-cache reserves arrays of `max` slots up front.
    this.known = new LRUCache<string, Known>({ maxSize: settings.maxIssuers, sizeCalculation: () => 1, dispose: (entry) => entry.verifier.retire() });
    this.refused = new LRUCache<string, number>({
      maxSize: REFUSED_MAX_BYTES,
      sizeCalculation: (_until, iss) => iss.length + REFUSED_ENTRY_OVERHEAD,
    });
    this.budget = new LookupBudget(settings.maxCalls, settings.ttlInMs);
  }

  /** Issuers held now. */
  get size(): number {
    return this.known.size;
  }

  /** The verifier of `iss` when an answer for it is held and still valid; never calls the resolver. */
  peek(iss: string): IssuerVerifier | undefined {
    const entry = this.known.get(iss);
    return entry && this.clock() < entry.validUntil ? entry.verifier : undefined;
  }

  /**
   * The verifier of `iss`: at once when a valid answer is held, else after asking `resolveIssuer`.
   * Throws (or rejects with) {@link AuthError}: `token-invalid-issuer` when the app does not trust
   * `iss`, `issuer-unavailable` when that cannot be known now. A known issuer whose answer is due and
   * whose resolver fails keeps its last answer for at most one more TTL; only a `null` answer ends it
   * at once.
   */
  get(iss: string): IssuerVerifier | Promise<IssuerVerifier> {
    const now = this.clock();
    const held = this.known.get(iss);
    if (held && now < held.validUntil) return held.verifier;
    const refusedUntil = this.refused.get(iss);
    if (refusedUntil !== undefined && now < refusedUntil) throw notTrusted();
    const inFlight = this.pending.get(iss);
    if (inFlight) return inFlight;
    const lookup = held ? this.revalidate(iss, held, now) : this.lookUpUnknown(iss, now);
    if (lookup instanceof Promise) {
      this.pending.set(iss, lookup);
      void lookup.then(
        () => this.pending.delete(iss),
        () => this.pending.delete(iss),
      );
    }
    return lookup;
  }

  /** Retires every issuer (module shutdown). */
  clear(): void {
    this.known.clear();
    this.refused.clear();
  }

  /** An issuer not known: spends a call of the budget (throws when it is spent), given back when the answer works. */
  private lookUpUnknown(iss: string, now: number): Promise<IssuerVerifier> {
    this.budget.take(now);
    return this.lookUp(iss, undefined, now).then((verifier) => {
      this.budget.giveBack(this.clock());
      return verifier;
    });
  }

  /** A known issuer whose answer is due: asked again outside the budget, its last answer kept for one more TTL while that fails. */
  private revalidate(iss: string, held: Known, now: number): IssuerVerifier | Promise<IssuerVerifier> {
    const stale = now < held.validUntil + this.settings.ttlInMs ? held.verifier : undefined;
    if (held.retryAt !== undefined && now < held.retryAt) {
      if (stale) return stale;
      throw new AuthError(
        AuthErrorReason.IssuerUnavailable,
        'resolveIssuer failed or did not answer in time',
        Math.max(1, Math.ceil((held.retryAt - now) / 1000)),
      );
    }
    return this.lookUp(iss, held, now).catch((error: unknown) => {
      if (!(error instanceof AuthError) || error.reason !== AuthErrorReason.IssuerUnavailable) throw error;
      held.retryAt = now + Math.min(REVALIDATION_RETRY_IN_MS, this.settings.ttlInMs);
      if (stale) return stale;
      throw error;
    });
  }

  private async lookUp(iss: string, held: Known | undefined, now: number): Promise<IssuerVerifier> {
    const answer = await this.ask(iss);
    const validUntil = now + this.settings.ttlInMs;
    if (answer === null || answer === undefined) {
      this.known.delete(iss);
      this.refused.set(iss, validUntil);
      throw notTrusted();
    }
    if (held && sameAnswer(held.answer, answer)) {
      held.validUntil = validUntil;
      held.retryAt = undefined;
      held.verifier.cache?.retireAt(validUntil);
      return held.verifier;
    }
    let verifier: IssuerVerifier;
    try {
      const options = this.settings.entryFor(iss, answer);
      verifier = labelled('resolveIssuer()', () => this.build(options));
    } catch (error) {
      // The app's answer does not work (a typo, a key of the wrong kind): say which option, then 503.
      this.onFailure(error instanceof AuthConfigError ? error.message : 'nestjs-warden: resolveIssuer answered options that could not be used');
      throw new AuthError(AuthErrorReason.IssuerUnavailable, 'resolveIssuer answered options that could not be used');
    }
    verifier.cache?.retireAt(validUntil);
    this.known.set(iss, { verifier, answer, validUntil });
    return verifier;
  }

  /** One call of the resolver, bounded in time; a throw, a rejection or a timeout is `issuer-unavailable`. */
  private async ask(iss: string): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // Stryker disable next-line StringLiteral: caught below; the message never surfaces.
      timer = setTimeout(() => reject(new Error('timeout')), this.settings.timeoutInMs);
    });
    try {
      const answer = await Promise.race([Promise.resolve().then(() => this.settings.resolve?.(iss)), timeout]);
      this.failing = false;
      return answer;
    } catch {
      if (!this.failing) this.onFailure('nestjs-warden: resolveIssuer failed or did not answer in time');
      this.failing = true;
      throw new AuthError(AuthErrorReason.IssuerUnavailable, 'resolveIssuer failed or did not answer in time');
    } finally {
      clearTimeout(timer);
    }
  }
}

function notTrusted(): AuthError {
  return new AuthError(AuthErrorReason.TokenInvalidIssuer, 'the token iss names no trusted issuer');
}
