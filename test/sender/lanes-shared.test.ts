import { describe, expect, it } from 'vitest';
import { Lanes } from '../../src/sender/lanes.js';
import type { LaneItem } from '../../src/sender/store.js';

const item = (seq: number, receiverId: string): LaneItem => ({ id: `m${seq}`, seq, account: 'default', receiverId, nextAt: 0 });
const ids = (xs: LaneItem[]) => xs.map((x) => x.id);

/** The two moves a worker makes on a store drained by many workers at once. */
describe('lanes on a shared outbox', () => {
  it('yieldLane lets go of a refused receiver whole; adopt takes it up again from the start, and no receiver twice', () => {
    const lanes = new Lanes(4);
    lanes.add([item(1, 'a'), item(2, 'b'), item(3, 'a'), item(4, 'b')]);
    const { ready } = lanes.take(0);
    expect(ids(ready)).toEqual(['m1', 'm2']);
    // b's head was refused (another worker has b): its whole lane goes, a's head stays in flight.
    lanes.yieldLane(ready[1]!);
    expect(lanes.inFlight).toBe(1);
    expect(ids(lanes.take(0).ready)).toEqual([]);
    // A sweep reads every queued message: b comes back whole and in order, a (held here) is not doubled,
    // and a message newer than any seen is added as usual.
    lanes.adopt([item(2, 'b'), item(3, 'a'), item(4, 'b'), item(5, 'a')]);
    lanes.release(ready[0]!, null);
    expect(ids(lanes.take(0).ready)).toEqual(['m2', 'm3']);
    expect(lanes.lastSeq).toBe(5);
  });

  it('yieldLane refuses a message that is not in flight', () => {
    const lanes = new Lanes(1);
    lanes.add([item(1, 'a')]);
    expect(() => lanes.yieldLane(item(1, 'a'))).toThrow(/not in flight/);
  });
});
