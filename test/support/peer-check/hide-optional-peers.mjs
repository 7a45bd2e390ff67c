// Node module hooks: the optional integrations are not installed, as far as this process can tell.
// Every attempt to load one is recorded in HIDDEN_PEERS_LOG with its importer, so the test also sees
// attempts that were caught (Nest's own core probes for @nestjs/microservices and @nestjs/websockets).
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    import { appendFileSync } from 'node:fs';
    const HIDDEN = /^(@nestjs\\/(websockets|microservices|graphql|apollo|mercurius|platform-socket\\.io|platform-ws|platform-fastify)|graphql|mercurius|@apollo\\/server|socket\\.io|ws|fastify|ioredis|standardwebhooks)(\\/|$)/;
    export async function resolve(specifier, context, next) {
      if (HIDDEN.test(specifier)) {
        if (process.env.HIDDEN_PEERS_LOG) appendFileSync(process.env.HIDDEN_PEERS_LOG, specifier + ' <- ' + (context.parentURL ?? '?') + '\\n');
        const error = new Error("Cannot find package '" + specifier + "'");
        error.code = 'ERR_MODULE_NOT_FOUND';
        throw error;
      }
      return next(specifier, context);
    }
  `)}`,
);
