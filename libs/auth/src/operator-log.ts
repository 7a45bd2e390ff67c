import { Logger, type ExecutionContext } from '@nestjs/common';
import type { AuthDenial } from './auth.exceptions.js';
import type { KeySourceError } from './verification/key-source-events.js';

/** Every line goes through Nest's Logger, so through the app's own LoggerService. */
const logger = new Logger('nestjs-warden');

/**
 * Logs a failed fetch of remote keys as a warning: the option, the error class, problem, HTTP status
 * or system code, and what requests get meanwhile. Never the URL (its query may hold a secret), a key
 * or a body. Key sources fetch at most once per cooldown, so this logs at most once per window.
 */
export function logKeySourceError(error: KeySourceError): void {
  const cause = [error.errorClass, error.problem, error.status !== undefined ? `HTTP ${error.status}` : '', error.code ?? ''].filter(Boolean).join(' ');
  const meanwhile =
    error.fallback === 'stale-keys'
      ? 'serving the keys fetched before until jwksStaleIfErrorInMs runs out'
      : 'requests that carry a token get 503 until keys can be fetched';
  logger.warn(`Key source "${error.source}" failed to fetch keys (${cause}); ${meanwhile}; next attempt in ${Math.ceil(error.retryInMs / 1000)} s.`);
}

/**
 * With `debug: true`: one debug line per refusal, with the transport, the handler, the status and
 * the reason code (and for `token-invalid-claims`, which claim). Nothing from the request itself.
 */
export function logRefusal(context: ExecutionContext, denial: AuthDenial): void {
  const handler = `${context.getClass()?.name ?? 'unknown'}.${context.getHandler()?.name ?? 'unknown'}`;
  logger.debug(`Refused ${context.getType()} ${handler}: ${denial.status} ${denial.reason}${denial.detail ? ` (${denial.detail})` : ''}`);
}
