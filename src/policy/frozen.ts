/**
 * A map no caller can change: `Object.freeze` does not stop `Map.prototype.set`, so the
 * entries live in a private Map and only the reading half of its interface is exposed.
 * Not a Map subclass, so `Map.prototype.set.call(view, …)` throws too.
 */
export class ReadonlyMapView<K, V> implements ReadonlyMap<K, V> {
  readonly #map: Map<K, V>;
  constructor(entries: Iterable<readonly [K, V]>) {
    this.#map = new Map(entries);
    Object.freeze(this);
  }
  get size(): number {
    return this.#map.size;
  }
  get(key: K): V | undefined {
    return this.#map.get(key);
  }
  has(key: K): boolean {
    return this.#map.has(key);
  }
  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    this.#map.forEach((value, key) => callback.call(thisArg, value, key, this));
  }
  entries(): MapIterator<[K, V]> {
    return this.#map.entries();
  }
  keys(): MapIterator<K> {
    return this.#map.keys();
  }
  values(): MapIterator<V> {
    return this.#map.values();
  }
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.#map.entries();
  }
  get [Symbol.toStringTag](): string {
    return 'ReadonlyMap';
  }
}

/**
 * Freezes `value` and everything reachable from it through own properties and
 * read-only maps, so the policy handed to callers cannot be changed from outside (a
 * channel pushed into an exception's list would open the gate). Frozen parents are
 * still walked: freezing is shallow and a frozen object can hold a mutable array. A
 * Map or Set is refused, since freezing does not stop its mutators: build it as a
 * ReadonlyMapView instead.
 */
export function deepFreeze<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Map || value instanceof Set) throw new TypeError(`deepFreeze: a ${value.constructor.name} cannot be frozen; build it as a ReadonlyMapView`);
  if (value instanceof ReadonlyMapView) {
    for (const [k, v] of value as ReadonlyMapView<unknown, unknown>) {
      deepFreeze(k, seen);
      deepFreeze(v, seen);
    }
    return value;
  }
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, key)!;
    if ('value' in d) deepFreeze(d.value, seen);
  }
  return value;
}
