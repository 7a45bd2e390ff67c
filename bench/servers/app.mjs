// Shared by every bench server: the one route, the Nest bootstrap, and the config from the runner.
// Plain ESM without a compile step, so decorators are applied the way TypeScript's output does.
import 'reflect-metadata';
import { Controller, Get, Module, Req, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/** What the runner passes to every server (environment BENCH_CONFIG, JSON). */
export const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}');

/** Applies decorators to a class (no key) or to one of its methods, as `__decorate` would. */
export function decorate(decorators, target, key) {
  if (key === undefined) return Reflect.decorate(decorators, target);
  const descriptor = Object.getOwnPropertyDescriptor(target.prototype, key);
  Object.defineProperty(target.prototype, key, Reflect.decorate(decorators, target.prototype, key, descriptor));
  return target;
}

/**
 * The bench route, GET /me, answering `{ userId }` from whatever the auth layer left on the request.
 * `userOf(req)` reads it; `guards` are applied to the controller.
 */
export function meController(userOf, guards = []) {
  class MeController {
    me(req) {
      return { userId: userOf(req) };
    }
  }
  // Req() is a parameter decorator: (target, key, index).
  Req()(MeController.prototype, 'me', 0);
  decorate([Get('me')], MeController, 'me');
  decorate([Controller(), ...(guards.length ? [UseGuards(...guards)] : [])], MeController);
  return MeController;
}

/** A module holding the bench controller plus whatever the server needs. */
export function appModule({ controllers, imports = [], providers = [] }) {
  class BenchModule {}
  decorate([Module({ imports, controllers, providers })], BenchModule);
  return BenchModule;
}

/** Starts the app on 127.0.0.1 (random port) and tells the runner the port on stdout. */
export async function serve(module) {
  const app = await NestFactory.create(module, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  process.stdout.write(`READY ${port}\n`);
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** `Authorization: Bearer <token>` -> token, else null. */
export function bearer(req) {
  const value = req.headers.authorization;
  return typeof value === 'string' && value.startsWith('Bearer ') ? value.slice(7) : null;
}
