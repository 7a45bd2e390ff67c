/**
 * Clerk's reverification (step-up from `fva`), evaluated exactly as `@clerk/shared`'s
 * `createCheckAuthorization` does. Pure: no Nest, no clock (`fva` already carries the ages).
 */

/** Clerk's named reverification levels. */
export type ReverificationPreset = 'strict_mfa' | 'strict' | 'moderate' | 'lax';

/** Which factor(s) must have been verified recently. */
export type ReverificationLevel = 'first_factor' | 'second_factor' | 'multi_factor';

/** A reverification requirement: `level` verified less than `afterMinutes` ago. */
export interface ReverificationRequirement {
  level: ReverificationLevel;
  /** Minutes; the factor's age must be strictly below it. */
  afterMinutes: number;
}

/**
 * What `has({ reverification })` and `@RequireAuth({ reverification })` accept.
 *
 * @example
 * auth.has({ reverification: 'strict' })                                       // second factor within 10 min
 * auth.has({ reverification: { level: 'first_factor', afterMinutes: 30 } })
 */
export type ReverificationConfig = ReverificationPreset | ReverificationRequirement;

/** Clerk's presets. */
export const REVERIFICATION_PRESETS: Readonly<Record<ReverificationPreset, Readonly<ReverificationRequirement>>> = Object.freeze({
  strict_mfa: Object.freeze({ level: 'multi_factor', afterMinutes: 10 }),
  strict: Object.freeze({ level: 'second_factor', afterMinutes: 10 }),
  moderate: Object.freeze({ level: 'second_factor', afterMinutes: 60 }),
  lax: Object.freeze({ level: 'second_factor', afterMinutes: 1440 }),
});

const LEVELS: ReadonlySet<unknown> = new Set<ReverificationLevel>(['first_factor', 'second_factor', 'multi_factor']);

/**
 * The requirement a config stands for (a preset resolved to its level and minutes), or null when the
 * config is not one Clerk accepts (unknown preset or level, `afterMinutes` not a number above 0).
 */
export function reverificationRequirement(config: unknown): ReverificationRequirement | null {
  if (typeof config === 'string') {
    return Object.hasOwn(REVERIFICATION_PRESETS, config) ? { ...REVERIFICATION_PRESETS[config as ReverificationPreset] } : null;
  }
  if (!config || typeof config !== 'object') return null;
  const { level, afterMinutes } = config as Partial<ReverificationRequirement>;
  if (!LEVELS.has(level) || typeof afterMinutes !== 'number' || !(afterMinutes > 0)) return null;
  return { level: level as ReverificationLevel, afterMinutes };
}

const isFactorAge = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && (n === -1 || n >= 0);

/**
 * Whether `fva` (`[minutes since first factor, minutes since second factor]`, -1 for a factor the
 * user has not enrolled) meets the requirement. Clerk's rules: a factor is fresh when enrolled and
 * younger than `afterMinutes`; `second_factor` and `multi_factor` fall back to the first factor for a
 * user without a second one; `second_factor` also falls back to the second factor alone when no
 * first factor is enrolled, while `multi_factor` then fails; nothing enrolled, a missing or
 * malformed `fva`, or an invalid config fails.
 */
export function meetsReverification(config: unknown, fva: readonly unknown[] | null | undefined): boolean {
  const requirement = reverificationRequirement(config);
  if (!requirement || !Array.isArray(fva) || fva.length !== 2 || !isFactorAge(fva[0]) || !isFactorAge(fva[1])) return false;
  const [first, second] = fva as [number, number];
  // Stryker disable next-line ConditionalExpression: with nothing enrolled, firstFresh and secondFresh are both false and every level below returns false too
  if (first === -1 && second === -1) return false;
  const { level, afterMinutes } = requirement;
  const firstFresh = first !== -1 && afterMinutes > first;
  // Stryker disable next-line ConditionalExpression: secondFresh is read only when second is not -1 (both levels that read it test second === -1 first)
  const secondFresh = second !== -1 && afterMinutes > second;
  switch (level) {
    case 'first_factor':
      return firstFresh;
    case 'second_factor':
      return second === -1 ? firstFresh : secondFresh;
    case 'multi_factor':
      if (second === -1) return firstFresh;
      return firstFresh && secondFresh;
  }
}

/** Clerk's reverification refusal: the body its front-end `useReverification()` recognises. */
export interface ReverificationErrorBody {
  clerk_error: {
    type: 'forbidden';
    reason: 'reverification-error';
    metadata: { reverification: ReverificationRequirement };
  };
}

/**
 * The body of a reverification refusal (403 over HTTP; the same object in GraphQL `extensions`,
 * WebSocket and RPC errors), with the requirement spelled out so the front end knows the level.
 *
 * @example
 * reverificationErrorBody('strict')
 * // { clerk_error: { type: 'forbidden', reason: 'reverification-error',
 * //   metadata: { reverification: { level: 'second_factor', afterMinutes: 10 } } } }
 */
export function reverificationErrorBody(config: ReverificationConfig): ReverificationErrorBody {
  const requirement = reverificationRequirement(config);
  if (!requirement) throw new TypeError('nestjs-warden: not a reverification config');
  return { clerk_error: { type: 'forbidden', reason: 'reverification-error', metadata: { reverification: requirement } } };
}
