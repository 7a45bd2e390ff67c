import { AuthConfigError } from './auth-config-error.js';
import { closestName } from './closest-name.js';

/** Keys that are not options but belong somewhere else: a hint beats "did you mean". */
const MISPLACED: Record<string, string> = {
  global: 'it is not an option of the verifier: pass it to forRoot({ ..., global: true }) or forRootAsync({ global: true, useFactory })',
};

/**
 * Refuses keys of `value` that are not in `known`; `prefix` names the nested option (`'cache.'`).
 * Names every unknown key with the closest known one. Throws {@link AuthConfigError}.
 *
 * @example
 * checkKeys(options.bootChecks, ['uncoveredHandlers'], 'bootChecks.');
 */
export function checkKeys(value: object, known: readonly string[], prefix: string): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length === 0) return;
  const described = unknown.map((key) => {
    const name = `"${prefix}${printable(key)}"`;
    const hint = prefix === '' ? MISPLACED[key] : undefined;
    if (hint) return `${name}: ${hint}`;
    const closest = closestName(key, known);
    return closest ? `${name} (did you mean "${prefix}${closest}"?)` : name;
  });
  const option = unknown.map((key) => `${prefix}${printable(key)}`).join(', ');
  throw new AuthConfigError(option, unknown.length === 1 ? `unknown option ${described[0]}` : `unknown options ${described.join(', ')}`);
}

/** Keys come from config files: keep messages one short line of plain text. */
function printable(key: string): string {
  return key.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);
}
