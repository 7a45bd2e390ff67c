import { describe, expect, it } from '@jest/globals';
import { deepFreeze } from './deep-freeze.js';

describe('deepFreeze', () => {
  it('freezes an object and everything inside it, in place, and returns the same value', () => {
    const value = { a: 1, nested: { b: 'x', deeper: { c: true } }, list: [1, { d: 2 }, [3, { e: 4 }]] };
    const result = deepFreeze(value);
    expect(result).toBe(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.nested)).toBe(true);
    expect(Object.isFrozen(value.nested.deeper)).toBe(true);
    expect(Object.isFrozen(value.list)).toBe(true);
    expect(Object.isFrozen(value.list[1])).toBe(true);
    expect(Object.isFrozen(value.list[2])).toBe(true);
    expect(Object.isFrozen((value.list[2] as unknown[])[1])).toBe(true);
    expect(result).toStrictEqual({ a: 1, nested: { b: 'x', deeper: { c: true } }, list: [1, { d: 2 }, [3, { e: 4 }]] });
  });

  it('freezes an array at the top and the objects in it', () => {
    const value = [{ a: 1 }, [{ b: 2 }]];
    expect(deepFreeze(value)).toBe(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value[0])).toBe(true);
    expect(Object.isFrozen(value[1])).toBe(true);
    expect(Object.isFrozen((value[1] as unknown[])[0])).toBe(true);
  });

  it('makes writes fail (strict mode) and leaves the values unchanged', () => {
    const value = deepFreeze({ nested: { n: 1 }, list: [1] });
    expect(() => {
      value.nested.n = 2;
    }).toThrow(TypeError);
    expect(() => value.list.push(2)).toThrow(TypeError);
    expect(value).toStrictEqual({ nested: { n: 1 }, list: [1] });
  });

  it('returns primitives, null and undefined as they are', () => {
    expect(deepFreeze(null)).toBeNull();
    expect(deepFreeze(undefined)).toBeUndefined();
    expect(deepFreeze(42)).toBe(42);
    expect(deepFreeze('ab')).toBe('ab');
    expect(deepFreeze(true)).toBe(true);
  });

  it('handles null and primitives inside objects and arrays', () => {
    const value = { a: null, b: 'ab', c: 0, d: [null, 'x', 1], e: { f: null } };
    expect(deepFreeze(value)).toBe(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.d)).toBe(true);
    expect(Object.isFrozen(value.e)).toBe(true);
    expect(value).toStrictEqual({ a: null, b: 'ab', c: 0, d: [null, 'x', 1], e: { f: null } });
  });

  it('leaves a function alone, at the top and inside an object (not JSON)', () => {
    const fn = Object.assign(() => 1, { inner: { x: 1 } });
    expect(deepFreeze(fn)).toBe(fn);
    expect(Object.isFrozen(fn)).toBe(false);
    expect(Object.isFrozen(fn.inner)).toBe(false);
    const holder = { fn };
    deepFreeze(holder);
    expect(Object.isFrozen(holder)).toBe(true);
    expect(Object.isFrozen(fn)).toBe(false);
    expect(Object.isFrozen(fn.inner)).toBe(false);
  });

  it('does not descend into an object that is frozen already', () => {
    const inner = { x: 1 };
    const outer = Object.freeze({ inner });
    expect(deepFreeze(outer)).toBe(outer);
    expect(Object.isFrozen(inner)).toBe(false);
  });

  it('freezes the rest of an object where one part is frozen already', () => {
    const frozen = Object.freeze({ x: 1 });
    const value = { frozen, open: { y: 2 } };
    deepFreeze(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(value.frozen).toBe(frozen);
    expect(Object.isFrozen(value.open)).toBe(true);
  });

  it('terminates on a cycle and freezes every object in it', () => {
    const a: Record<string, unknown> = { name: 'a' };
    const b: Record<string, unknown> = { name: 'b', a };
    a.b = b;
    a.self = a;
    expect(deepFreeze(a)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(b)).toBe(true);
  });

  it('freezes an own "__proto__" key made by JSON.parse, never the prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": {"deep": 1}}, "a": {"b": 1}}') as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    deepFreeze(value);
    const own = Object.getOwnPropertyDescriptor(value, '__proto__')?.value as Record<string, unknown>;
    expect(Object.isFrozen(own)).toBe(true);
    expect(Object.isFrozen(own.polluted)).toBe(true);
    expect(Object.isFrozen(value.a)).toBe(true);
    expect(Object.isFrozen(Object.prototype)).toBe(false);
  });

  it('leaves the prototype of an object unfrozen', () => {
    const proto = { inherited: { x: 1 } };
    const value = Object.create(proto) as Record<string, unknown>;
    value.own = { y: 2 };
    deepFreeze(value);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.own)).toBe(true);
    expect(Object.isFrozen(proto)).toBe(false);
    expect(Object.isFrozen(proto.inherited)).toBe(false);
  });
});
