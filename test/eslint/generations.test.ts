import { describe, expect, it } from 'vitest';
import { Generations } from '../../src/eslint/engine.js';

// A hit in the old generation moves the entry up (that is the behaviour under test), so
// each test probes misses first and says what every probe does to the cache.
describe('Generations: the ESLint value cache', () => {
  it('answers what it was given, and nothing else', () => {
    const cache = new Generations<number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('c')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBe(2);
  });

  it('keeps two generations: the oldest are dropped whole once the young one fills again', () => {
    const cache = new Generations<number>(2);
    ['k0', 'k1', 'k2', 'k3', 'k4'].forEach((k, i) => cache.set(k, i));
    // k0,k1 filled the first generation, k2,k3 the second; k4 started a third and dropped the first.
    expect(cache.size).toBe(3);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k4')).toBe(4);
    expect(cache.get('k2')).toBe(2);
  });

  it('moves a value still in use to the young generation, so it outlives the values set beside it', () => {
    const cache = new Generations<number>(2);
    cache.set('hot', 0);
    cache.set('cold', 1);
    cache.set('b', 2); // young was full: hot and cold are now the old generation
    expect(cache.get('hot')).toBe(0); // hot moves up beside b
    cache.set('c', 3); // young (b, hot) becomes old; the old (hot, cold) is dropped
    expect(cache.get('cold')).toBeUndefined();
    expect(cache.get('hot')).toBe(0);
  });

  it('stays bounded over a long run of distinct values, and keeps the newest', () => {
    const cache = new Generations<number>(100);
    for (let i = 0; i < 10_000; i++) cache.set(`v${i}`, i);
    expect(cache.size).toBeLessThanOrEqual(200);
    expect(cache.get('v0')).toBeUndefined();
    expect(cache.get('v9999')).toBe(9999);
  });
});
