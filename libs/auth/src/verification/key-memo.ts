import type { JWTVerifyGetKey } from 'jose';
import { rememberThumbprint } from './key-thumbprint.js';

/** What a key resolver hands to `jwtVerify`. */
export type ResolvedKey = Awaited<ReturnType<JWTVerifyGetKey>>;
type Header = Parameters<JWTVerifyGetKey>[0];

/**
 * Keys a resolver found before, by the header's `alg` and `kid`, for a resolver whose answer
 * depends on nothing else (jose's local JWKS). The next token of the same key gets its key back
 * synchronously: no await, no search through the set. Only keys found are kept, so the map holds at
 * most one entry per key and algorithm of the set, whatever `kid`s tokens make up.
 *
 * @example
 * const keys = new MemoizedKeys(createLocalJWKSet(jwks));
 * const key = keys.peek(header) ?? (await keys.resolve(header, token));
 */
export class MemoizedKeys {
  /** alg -> kid (undefined: the token named none) -> key. */
  private readonly found = new Map<string, Map<string | undefined, ResolvedKey>>();

  constructor(private readonly resolver: JWTVerifyGetKey) {}

  /** The key found before for this header's `alg` and `kid`, if any. */
  peek(header: Header): ResolvedKey | undefined {
    return memoable(header) ? this.found.get(header.alg)?.get(header.kid) : undefined;
  }

  /**
   * Asks the resolver and keeps what it found, with its thumbprint (see `thumbprintOf`). Its errors
   * pass through untouched.
   */
  async resolve(header: Header, token: Parameters<JWTVerifyGetKey>[1]): Promise<ResolvedKey> {
    const key = await this.resolver(header, token);
    await rememberThumbprint(key);
    if (memoable(header)) {
      let byKid = this.found.get(header.alg);
      if (!byKid) this.found.set(header.alg, (byKid = new Map<string | undefined, ResolvedKey>()));
      byKid.set(header.kid, key);
    }
    return key;
  }

  /** A resolver for `jwtVerify` that answers from memory when it can. */
  readonly getKey: JWTVerifyGetKey = (header, token) => this.peek(header) ?? this.resolve(header, token);
}

/** Only a string `alg` with a string or absent `kid` keys the memo (jose refuses the rest anyway). */
function memoable(header: Header): header is Header & { alg: string; kid?: string } {
  return typeof header.alg === 'string' && (header.kid === undefined || typeof header.kid === 'string');
}
