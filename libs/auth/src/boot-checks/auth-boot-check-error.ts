/**
 * Thrown at bootstrap (`app.init()`, `app.listen()`) when handlers use this library's decorators
 * but no `AuthGuard` covers them: those routes would otherwise run for anyone.
 *
 * @example
 * try { await app.init(); } catch (e) { if (e instanceof AuthBootCheckError) console.error(e.handlers); }
 */
export class AuthBootCheckError extends Error {
  override readonly name = 'AuthBootCheckError';

  constructor(
    /** Each uncovered handler as `Class.method`. */
    readonly handlers: readonly string[],
  ) {
    super(uncoveredHandlersMessage(handlers, 'error'));
  }
}

/** The message of the error, and of the warning in `'warn'` mode. */
export function uncoveredHandlersMessage(handlers: readonly string[], mode: 'error' | 'warn'): string {
  const one = handlers.length === 1;
  const subject = one ? 'this handler, which uses' : `these ${handlers.length} handlers, which use`;
  const consequence =
    mode === 'error'
      ? `${one ? 'It' : 'They'} would run for anyone, so the app does not start`
      : `${one ? 'It runs' : 'They run'} for anyone unless something else guards ${one ? 'it' : 'them'}`;
  return (
    `nestjs-warden: no AuthGuard covers ${subject} @RequireAuth(), @OptionalAuth() or @Auth(): ${handlers.join(', ')}. ` +
    `${consequence}. Guard ${one ? 'it' : 'them'} with AuthModule.forRoot({ global: true }) (or forRootAsync({ global: true })), ` +
    'an APP_GUARD that is an AuthGuard, or @UseGuards(AuthGuard) on the class or method' +
    (mode === 'error' ? `. If the app guards ${one ? 'it' : 'them'} some other way, set bootChecks: { uncoveredHandlers: 'warn' }.` : '.')
  );
}
