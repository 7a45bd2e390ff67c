import type { DiscoveryService } from '@nestjs/core';

/**
 * The classes (providers, controllers, resolvers, gateways) whose constructor takes `revoker` by type,
 * sorted by name: with no revocation store, each of them would fail at its first revocation.
 */
export function findRevokerUsers(discovery: DiscoveryService, revoker: abstract new (...args: never[]) => unknown): string[] {
  const users = new Set<string>();
  for (const wrapper of [...discovery.getProviders(), ...discovery.getControllers()]) {
    const type = wrapper.metatype;
    if (typeof type !== 'function' || type === revoker) continue;
    const parameters: unknown = Reflect.getMetadata('design:paramtypes', type);
    if (Array.isArray(parameters) && parameters.includes(revoker)) users.add(type.name);
  }
  return [...users].sort();
}
