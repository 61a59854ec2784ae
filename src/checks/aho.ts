/**
 * Aho–Corasick multi-pattern matcher: every name, alias, homophone, ID word and call
 * to action is found in one left-to-right pass, O(text + matches), whatever the size
 * of the dictionary. Compiled once when the gate is created. (A RegExp alternation
 * of hundreds of terms would also work, but V8 tries each alternative at each
 * position; linkify-it and similar libraries don't offer a dictionary matcher.)
 */
export interface Match<T> {
  /** Offsets into the scanned string, [start, end). */
  start: number;
  end: number;
  value: T;
}

export class AhoCorasick<T> {
  private readonly next: Array<Map<number, number>> = [new Map()];
  private readonly fail: number[] = [0];
  /** Patterns ending at a node: [length, value]. */
  private readonly out: Array<Array<[number, T]>> = [[]];

  /** Root transitions as a dense table: most characters of ordinary text lead nowhere, and this keeps them cheap. */
  private readonly root = new Int32Array(0x10000);
  /** Length of the longest pattern, in code units. */
  readonly longest: number = 0;

  constructor(patterns: Iterable<readonly [string, T]>) {
    for (const [text, value] of patterns) {
      if (text.length === 0) continue;
      this.add(text, value);
      this.longest = Math.max(this.longest, text.length);
    }
    this.link();
    for (const [c, child] of this.next[0]!) this.root[c] = child;
  }

  /** The automaton's state after reading `c` in state `node` (0 is the start). */
  step(node: number, c: number): number {
    while (node !== 0) {
      const child = this.next[node]!.get(c);
      if (child !== undefined) return child;
      node = this.fail[node]!;
    }
    return this.root[c]!;
  }

  /** Patterns that end in `node`: [length, value]. */
  outputs(node: number): ReadonlyArray<readonly [number, T]> {
    return this.out[node]!;
  }

  private add(text: string, value: T): void {
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let child = this.next[node]!.get(c);
      if (child === undefined) {
        child = this.next.length;
        this.next.push(new Map());
        this.fail.push(0);
        this.out.push([]);
        this.next[node]!.set(c, child);
      }
      node = child;
    }
    this.out[node]!.push([text.length, value]);
  }

  /** Breadth-first failure links; each node inherits the outputs of its failure node. */
  private link(): void {
    const queue: number[] = [...this.next[0]!.values()];
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q]!;
      for (const [c, child] of this.next[node]!) {
        let f = this.fail[node]!;
        while (f !== 0 && !this.next[f]!.has(c)) f = this.fail[f]!;
        const target = this.next[f]!.get(c);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        this.out[child]!.push(...this.out[this.fail[child]!]!);
        queue.push(child);
      }
    }
  }

  /** All matches, overlapping ones included, in order of their end offset. */
  findAll(text: string): Array<Match<T>> {
    const found: Array<Match<T>> = [];
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      node = this.step(node, text.charCodeAt(i));
      const outs = this.out[node]!;
      for (let k = 0; k < outs.length; k++) {
        const [length, value] = outs[k]!;
        found.push({ start: i + 1 - length, end: i + 1, value });
      }
    }
    return found;
  }
}
