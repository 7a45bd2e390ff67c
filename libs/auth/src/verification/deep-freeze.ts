/**
 * Freezes a JSON value and everything inside it, in place, and returns it. A verified token's
 * claims are shared by every request that presents the same token (through the verified-token
 * cache), so no handler may change what the next request sees.
 *
 * @example
 * const claims = deepFreeze(JSON.parse(json));
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // Own keys only, including a literal "__proto__" key that JSON.parse created: never the prototype.
    // Everything JSON.parse makes is enumerable, so Object.keys misses nothing.
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      // Stryker disable next-line ConditionalExpression,LogicalOperator: deepFreeze returns anything but an object untouched, so calling it on null or a primitive changes nothing; the test saves a call (the `false` mutant, which freezes no child, is killed by the nested-object tests)
      if (child !== null && typeof child === 'object') deepFreeze(child);
    }
  }
  return value;
}
