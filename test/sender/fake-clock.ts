import type { Timers } from '../../src/sender/lanes.js';

/** Lets every callback already due (promises, setImmediate) run. */
export const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A clock that moves only when told, firing the timers that fall due on the way. */
export class FakeClock implements Timers {
  t: number;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #next = 1;
  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.#next++;
    this.#timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (id: unknown): void => {
    this.#timers.delete(id as number);
  };
  get pending(): number {
    return this.#timers.size;
  }
  /** Moves to now + ms, firing due timers in time order, each at its own time. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.#timers].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await settled();
    }
    this.t = end;
    await settled();
  }
  /** Moves to the earliest timer and fires it. */
  async next(): Promise<void> {
    const due = [...this.#timers.values()].reduce((m, x) => Math.min(m, x.at), Infinity);
    if (due !== Infinity) await this.advance(due - this.t);
  }
}
