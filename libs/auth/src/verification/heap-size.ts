/**
 * Costs on V8's heap (64-bit, Node 20), calibrated with `heapUsed` after `gc()` on claims of every
 * shape (see verified-token-cache.heap.spec.ts): the estimate stays at or above what an entry really costs.
 */
const COST = {
  /** A JSON.parse object: map, properties and elements pointers. */
  object: 32,
  /** An empty object: JSON.parse reserves in-object slots all the same. */
  emptyObject: 56,
  /** One property stored fast (a slot). */
  property: 8,
  /** One property beyond {@link FAST_PROPERTIES}: the object may be a hash table (key, value, details, load factor). */
  slowProperty: 48,
  /** A hidden class first seen in this value (its map, descriptors and frozen twin): keys may be unique per token. */
  shape: 224,
  /** One more key in such a hidden class: its descriptor and the internalized key string's header. */
  shapeKey: 32,
  /** An array: the JSArray and its backing store header. */
  array: 32,
  /** One element of an array. */
  element: 8,
  /** A string's header. */
  string: 16,
  /** A number that is not a small integer (a boxed double). */
  heapNumber: 16,
} as const;

/** Objects with more properties than this are counted as hash tables. */
const FAST_PROPERTIES = 64;

/** Walks at most this many values; anything beyond counts at the largest per-value cost. */
const MAX_NODES = 200_000;

const SMALL_INTEGER = 2 ** 30;

/**
 * An estimate of the bytes `value` (plain JSON data: objects, arrays, strings, numbers, booleans,
 * null) holds on the V8 heap, erring on the high side: claims made of many small objects cost many
 * times their JSON length. Linear in the size of the value; meant for the moment a value is stored,
 * not for every read.
 *
 * @example
 * estimateHeapBytes({ sub: 'user_1', metadata: [{}, {}, {}] }) // a few hundred bytes
 */
export function estimateHeapBytes(value: unknown): number {
  let bytes = 0;
  let nodes = 0;
  const shapes = new Set<string>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (++nodes > MAX_NODES) {
      bytes += (stack.length + 1) * (COST.shape + COST.object);
      break;
    }
    if (typeof current === 'string') {
      bytes += stringBytes(current);
    } else if (typeof current === 'number') {
      if (!(Number.isInteger(current) && Math.abs(current) < SMALL_INTEGER)) bytes += COST.heapNumber;
    } else if (Array.isArray(current)) {
      bytes += COST.array + current.length * COST.element;
      for (const item of current) stack.push(item);
    } else if (current !== null && typeof current === 'object') {
      const keys = Object.keys(current);
      bytes += keys.length === 0 ? COST.emptyObject : COST.object + propertyBytes(keys.length);
      const shape = keys.join('\u0000');
      if (!shapes.has(shape)) {
        shapes.add(shape);
        bytes += COST.shape + keys.length * COST.shapeKey + shape.length;
      }
      for (const key of keys) stack.push((current as Record<string, unknown>)[key]);
    }
  }
  return bytes;
}

function propertyBytes(count: number): number {
  return Math.min(count, FAST_PROPERTIES) * COST.property + Math.max(0, count - FAST_PROPERTIES) * COST.slowProperty;
}

/** A sequential string, rounded up to the heap's 8-byte alignment: one byte a character when every character fits Latin-1, else two. */
function stringBytes(text: string): number {
  // eslint-disable-next-line no-control-regex
  const chars = (/[^\u0000-\u00ff]/.test(text) ? 2 : 1) * text.length;
  return COST.string + Math.ceil(chars / 8) * 8;
}
