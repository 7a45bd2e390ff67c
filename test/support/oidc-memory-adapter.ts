import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider's storage for one test provider: a Map per model, gone with the provider. Stands in
 * for the library's own development adapter so the suite logs no "development-only" warning.
 */
export function memoryAdapterFactory(): (model: string) => Adapter {
  const store = new Map<string, AdapterPayload>();
  const grants = new Map<string, Set<string>>();
  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload) {
        store.set(key(id), payload);
        if (payload.grantId) {
          const ids = grants.get(payload.grantId) ?? new Set<string>();
          ids.add(key(id));
          grants.set(payload.grantId, ids);
        }
      },
      async find(id) {
        return store.get(key(id));
      },
      async findByUid(uid) {
        return [...store.entries()].find(([k, p]) => k.startsWith(`${model}:`) && p.uid === uid)?.[1];
      },
      async findByUserCode(userCode) {
        return [...store.entries()].find(([k, p]) => k.startsWith(`${model}:`) && p.userCode === userCode)?.[1];
      },
      async consume(id) {
        const payload = store.get(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const k of grants.get(grantId) ?? []) store.delete(k);
        grants.delete(grantId);
      },
    };
  };
}
