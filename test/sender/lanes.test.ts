import { describe, expect, it } from 'vitest';
import { Alarm, Lanes } from '../../src/sender/lanes.js';
import type { LaneItem } from '../../src/sender/store.js';
import { FakeClock, settled } from './fake-clock.js';

const T0 = 1_700_000_000_000;

let seq = 0;
const item = (receiverId: string, o: Partial<LaneItem> = {}): LaneItem => ({ id: `${receiverId}#${++seq}`, seq, account: 'a', receiverId, nextAt: 0, ...o });
const ids = (xs: LaneItem[]) => xs.map((x) => x.id);

/** Serves every lane to the end, each request answered sent before the next take: the order of service. */
function serveAll(lanes: Lanes, now = T0): string[] {
  const order: string[] = [];
  for (let guard = 0; guard < 10_000; guard++) {
    const { ready } = lanes.take(now);
    if (ready.length === 0) return order;
    for (const x of ready) {
      order.push(x.receiverId);
      lanes.release(x, null);
    }
  }
  throw new Error('never ended');
}

describe('Lanes: order per receiver', () => {
  it('sends only a lane\'s head, one at a time, in seq order', () => {
    const lanes = new Lanes(8);
    const [m1, m2, m3] = [item('r'), item('r'), item('r')];
    lanes.add([m1!, m2!, m3!]);
    expect(ids(lanes.take(T0).ready)).toEqual([m1!.id]);
    // The head is in flight: nothing more from this receiver, and nothing to wait for.
    expect(lanes.take(T0)).toEqual({ ready: [], nextAt: Infinity });
    lanes.release(m1!, null);
    expect(ids(lanes.take(T0).ready)).toEqual([m2!.id]);
    lanes.release(m2!, null);
    expect(ids(lanes.take(T0).ready)).toEqual([m3!.id]);
    lanes.release(m3!, null);
    expect(lanes.take(T0).ready).toEqual([]);
  });

  it('a message to be sent again stays at the head: the next one waits for it', () => {
    const lanes = new Lanes(8);
    const [m1, m2] = [item('r'), item('r')];
    lanes.add([m1!, m2!]);
    lanes.take(T0);
    lanes.release(m1!, T0 + 100);
    expect(lanes.take(T0 + 99)).toEqual({ ready: [], nextAt: T0 + 100 });
    expect(ids(lanes.take(T0 + 100).ready)).toEqual([m1!.id]);
    expect(m1!.nextAt).toBe(T0 + 100);
  });

  it('messages added later join the back of their lane; lastSeq follows what was added', () => {
    const lanes = new Lanes(8);
    const m1 = item('r');
    lanes.add([m1]);
    const [taken] = lanes.take(T0).ready;
    const m2 = item('r');
    lanes.add([m2]);
    expect(lanes.lastSeq).toBe(m2.seq);
    lanes.release(taken!, null);
    expect(ids(lanes.take(T0).ready)).toEqual([m2.id]);
  });

  it('accounts keep their receivers apart: the same receiver id on two accounts is two lanes', () => {
    const lanes = new Lanes(8);
    lanes.add([item('r', { account: 'a' }), item('r', { account: 'b' })]);
    expect(lanes.take(T0).ready.map((x) => x.account)).toEqual(['a', 'b']);
  });
});

describe('Lanes: fairness and the concurrency bound', () => {
  it('round robin with one in flight: no receiver waits for another\'s whole backlog', () => {
    const lanes = new Lanes(1);
    for (let i = 0; i < 3; i++) lanes.add([item('A')]);
    for (let i = 0; i < 3; i++) lanes.add([item('B')]);
    for (let i = 0; i < 3; i++) lanes.add([item('C')]);
    expect(serveAll(lanes)).toEqual(['A', 'B', 'C', 'A', 'B', 'C', 'A', 'B', 'C']);
  });

  it('round robin with two in flight', () => {
    const lanes = new Lanes(2);
    for (const r of ['A', 'A', 'A', 'B', 'C', 'C']) lanes.add([item(r)]);
    expect(serveAll(lanes)).toEqual(['A', 'B', 'C', 'A', 'C', 'A']);
  });

  it('a retried lane goes to the back too', () => {
    const lanes = new Lanes(1);
    const a = item('A');
    lanes.add([a, item('B'), item('C')]);
    lanes.take(T0);
    lanes.release(a, T0);
    expect(serveAll(lanes)).toEqual(['B', 'C', 'A']);
  });

  it('never more than `concurrency` in flight, whatever the order answers come back in', () => {
    let state = 7;
    const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const concurrency of [1, 3, 8]) {
      const lanes = new Lanes(concurrency);
      const receivers = Array.from({ length: 12 }, (_, i) => `r${i}`);
      const sent = new Map<string, number[]>();
      for (let k = 0; k < 120; k++) lanes.add([item(receivers[Math.floor(rand() * receivers.length)]!)]);
      const inFlight: LaneItem[] = [];
      let peak = 0;
      for (let guard = 0; guard < 10_000; guard++) {
        const { ready } = lanes.take(T0);
        inFlight.push(...ready);
        expect(lanes.inFlight).toBe(inFlight.length);
        peak = Math.max(peak, inFlight.length);
        expect(inFlight.length).toBeLessThanOrEqual(concurrency);
        // One receiver never has two in flight.
        expect(new Set(inFlight.map((x) => x.receiverId)).size).toBe(inFlight.length);
        if (inFlight.length === 0) break;
        const done = inFlight.splice(Math.floor(rand() * inFlight.length), 1)[0]!;
        // Some answers ask for another try (a retry at once), most end the message.
        if (rand() < 0.2) lanes.release(done, T0);
        else {
          lanes.release(done, null);
          sent.set(done.receiverId, [...(sent.get(done.receiverId) ?? []), done.seq]);
        }
      }
      expect(peak).toBe(concurrency);
      expect([...sent.values()].reduce((n, s) => n + s.length, 0)).toBe(120);
      for (const seqs of sent.values()) expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
  });
});

describe('Lanes: pauses and stops', () => {
  it('a paused account waits until its pause ends; other accounts go on', () => {
    const lanes = new Lanes(8);
    const a = item('r1', { account: 'a' });
    const b = item('r2', { account: 'b' });
    lanes.add([a, b]);
    expect(lanes.pause('a', T0 + 500)).toBe(true);
    expect(lanes.take(T0)).toEqual({ ready: [b], nextAt: T0 + 500 });
    expect(lanes.take(T0 + 499).ready).toEqual([]);
    expect(lanes.take(T0 + 500).ready).toEqual([a]);
  });

  it('a pause only ever grows: a shorter one is not news', () => {
    const lanes = new Lanes(8);
    expect(lanes.pause('a', T0 + 500)).toBe(true);
    expect(lanes.pause('a', T0 + 400)).toBe(false);
    expect(lanes.pause('a', T0 + 500)).toBe(false);
    expect(lanes.pause('a', T0 + 600)).toBe(true);
    lanes.add([item('r', { account: 'a' })]);
    expect(lanes.take(T0).nextAt).toBe(T0 + 600);
  });

  it('the later of a message\'s own nextAt and its account\'s pause', () => {
    const lanes = new Lanes(8);
    lanes.add([item('r', { nextAt: T0 + 900 })]);
    lanes.pause('a', T0 + 500);
    expect(lanes.take(T0 + 600)).toEqual({ ready: [], nextAt: T0 + 900 });
  });

  it('a stopped account is never served again and not waited for; the first reason stands', () => {
    const lanes = new Lanes(8);
    lanes.add([item('r1', { account: 'a', nextAt: T0 + 10 }), item('r2', { account: 'b' })]);
    lanes.stop('a', 'expired token');
    lanes.stop('a', 'something later');
    const { ready, nextAt } = lanes.take(T0 + 1_000_000);
    expect(ready.map((x) => x.account)).toEqual(['b']);
    expect(nextAt).toBe(Infinity);
    expect(lanes.stopped()).toEqual([{ account: 'a', reason: 'expired token' }]);
  });

  it('pauses and stops outlive a reload from scratch; the lanes do not', () => {
    const lanes = new Lanes(8);
    lanes.add([item('r1', { account: 'a' }), item('r2', { account: 'b' })]);
    lanes.pause('a', T0 + 50);
    lanes.stop('b', 'x');
    lanes.reset();
    expect(lanes.lastSeq).toBe(0);
    expect(lanes.take(T0)).toEqual({ ready: [], nextAt: Infinity });
    lanes.add([item('r1', { account: 'a' }), item('r2', { account: 'b' })]);
    expect(lanes.take(T0)).toEqual({ ready: [], nextAt: T0 + 50 });
  });

  it('refuses a reset with messages in flight and a release of a message not taken', () => {
    const lanes = new Lanes(8);
    const m = item('r');
    lanes.add([m]);
    expect(() => lanes.release(m, null)).toThrow(/not in flight/);
    lanes.take(T0);
    expect(() => lanes.reset()).toThrow(/in flight/);
  });
});

describe('Alarm on a fake clock', () => {
  it('wakes at the time asked, not before', async () => {
    const clock = new FakeClock();
    const alarm = new Alarm(clock);
    let woke: number | undefined;
    void alarm.wait(T0 + 250).then(() => (woke = clock.now()));
    await clock.advance(249);
    expect(woke).toBeUndefined();
    await clock.advance(1);
    expect(woke).toBe(T0 + 250);
  });

  it('a time already past waits one tick, never a negative time', async () => {
    const clock = new FakeClock();
    const alarm = new Alarm(clock);
    let woke = false;
    void alarm.wait(T0 - 1000).then(() => (woke = true));
    await clock.advance(0);
    expect(woke).toBe(false);
    await clock.advance(1);
    expect(woke).toBe(true);
  });

  it('a ring wakes it at once and cancels its timer; a ring with nobody waiting is not kept', async () => {
    const clock = new FakeClock();
    const alarm = new Alarm(clock);
    alarm.ring();
    let woke = false;
    void alarm.wait(T0 + 10_000).then(() => (woke = true));
    await settled();
    expect(woke).toBe(false);
    expect(clock.pending).toBe(1);
    alarm.ring();
    await settled();
    expect(woke).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('waiting for Infinity sets no timer and ends on a ring or an abort', async () => {
    const clock = new FakeClock();
    const alarm = new Alarm(clock);
    const stop = new AbortController();
    let woke = false;
    void alarm.wait(Infinity, stop.signal).then(() => (woke = true));
    expect(clock.pending).toBe(0);
    await clock.advance(1e12);
    expect(woke).toBe(false);
    stop.abort();
    await settled();
    expect(woke).toBe(true);
  });
});

describe('Lanes and Alarm together: a worker\'s waits on a fake clock', () => {
  /** The worker's shape: take what is ready, "send" it at once, else sleep until the next is ready. */
  async function drive(lanes: Lanes, clock: FakeClock, answer: (x: LaneItem, n: number) => number | null): Promise<Array<[string, number]>> {
    const alarm = new Alarm(clock);
    const log: Array<[string, number]> = [];
    const tries = new Map<string, number>();
    for (let guard = 0; guard < 1000; guard++) {
      const { ready, nextAt } = lanes.take(clock.now());
      for (const x of ready) {
        const n = (tries.get(x.id) ?? 0) + 1;
        tries.set(x.id, n);
        log.push([x.id, clock.now() - T0]);
        lanes.release(x, answer(x, n));
      }
      if (ready.length > 0) continue;
      if (nextAt === Infinity) return log;
      const woke = alarm.wait(nextAt);
      await clock.next();
      await woke;
    }
    throw new Error('never ended');
  }

  it('backoffs are waited out to the millisecond, and the lane keeps its order meanwhile', async () => {
    const clock = new FakeClock();
    const lanes = new Lanes(4);
    const [m1, m2] = [item('r'), item('r')];
    const other = item('s');
    lanes.add([m1!, m2!, other]);
    // m1 fails twice (backoff 300 ms, then 700 ms), then goes; the rest go at once.
    const log = await drive(lanes, clock, (x, n) => (x === m1 && n === 1 ? clock.now() + 300 : x === m1 && n === 2 ? clock.now() + 700 : null));
    expect(log).toEqual([
      [m1!.id, 0],
      [other.id, 0],
      [m1!.id, 300],
      [m1!.id, 1000],
      [m2!.id, 1000],
    ]);
  });

  it('a rate-limit pause holds the whole account, then it resumes', async () => {
    const clock = new FakeClock();
    const lanes = new Lanes(1);
    const a1 = item('r1');
    const a2 = item('r2');
    const b = item('r3', { account: 'b' });
    lanes.add([a1, a2, b]);
    let paused = false;
    const log = await drive(lanes, clock, (x) => {
      if (x === a1 && !paused) {
        paused = true;
        lanes.pause('a', clock.now() + 2_500);
        return clock.now() + 2_500;
      }
      return null;
    });
    // a2 is another receiver of the paused account: it waits too; b is another account's.
    expect(log).toEqual([
      [a1.id, 0],
      [b.id, 0],
      [a2.id, 2_500],
      [a1.id, 2_500],
    ]);
  });
});
