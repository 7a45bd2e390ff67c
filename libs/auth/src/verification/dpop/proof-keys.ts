import { LRUCache } from 'lru-cache';
import { calculateJwkThumbprint, EmbeddedJWK, type JWK, type JWTVerifyGetKey } from 'jose';

/** A proof key jose imported, with its RFC 7638 thumbprint. */
interface ProofKey {
  key: Awaited<ReturnType<typeof EmbeddedJWK>>;
  jkt: string;
}

/**
 * The public keys of DPoP proofs, imported once per client key: a client signs every proof with the
 * same key, and importing it (jose's `EmbeddedJWK`, with all its checks: a public key, `use` and
 * `alg` consistent with the header) costs about three times the signature check itself. Keyed by the
 * header's `alg` and the exact `jwk` JSON, so the same checks always give the same answer; a refused
 * key is never kept. Bounded (least recently used first out): a flood of made-up keys costs what it
 * would without the memo. Framework-free.
 */
export class ProofKeys {
  private readonly keys: LRUCache<string, Promise<ProofKey>>;

  constructor(maxKeys = 1000) {
    this.keys = new LRUCache({ max: maxKeys });
  }

  /**
   * A key resolver for one `jwtVerify` call; `jkt()` then gives the thumbprint of the key it resolved
   * (undefined when none was).
   */
  resolver(): { getKey: JWTVerifyGetKey; jkt(): Promise<string | undefined> } {
    let resolved: Promise<ProofKey> | undefined;
    const getKey: JWTVerifyGetKey = async (header, token) => {
      const id = `${String(header.alg)} ${JSON.stringify(header.jwk ?? null)}`;
      let entry = this.keys.get(id);
      if (!entry) {
        entry = (async () => {
          const key = await EmbeddedJWK(header, token);
          return { key, jkt: await calculateJwkThumbprint(header.jwk as JWK, 'sha256') };
        })();
        this.keys.set(id, entry);
        entry.catch(() => this.keys.delete(id));
      }
      resolved = entry;
      return (await entry).key;
    };
    return { getKey, jkt: async () => (resolved ? (await resolved).jkt : undefined) };
  }
}
