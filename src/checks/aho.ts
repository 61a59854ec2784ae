// Aho–Corasick multi-pattern matcher: every name, alias, homophone, ID word and call
// to action is found in one left-to-right pass, O(text + matches), whatever the size
// of the dictionary. Compiled once when the gate is created. (A RegExp alternation
// of hundreds of terms would also work, but V8 tries each alternative at each
// position; linkify-it and similar libraries don't offer a dictionary matcher.)

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
  /** Depth of each state (length of the prefix it stands for): a transition to depth + 1 follows the trie. */
  private readonly depth: number[] = [0];
  private depthOf: Uint16Array = new Uint16Array(1);

  /**
   * The automaton compiled to a full DFA over the dictionary's own alphabet: `alpha`
   * maps a code unit to its column (0 for every unit no pattern uses, which always
   * leads back to the start), `delta[state * width + column]` is the next state. One
   * array read per character, failure links already followed at build time.
   */
  private readonly alpha = new Uint16Array(0x10000);
  private delta: Int32Array = new Int32Array(0);
  private width = 1;
  /** Length of the longest pattern, in code units. */
  readonly longest: number = 0;

  constructor(patterns: Iterable<readonly [string, T]>) {
    for (const [text, value] of patterns) {
      if (text.length === 0) continue;
      this.add(text, value);
      this.longest = Math.max(this.longest, text.length);
    }
    this.link();
    this.compile();
  }

  private compile(): void {
    let width = 1;
    for (const children of this.next) for (const c of children.keys()) if (this.alpha[c] === 0) this.alpha[c] = width++;
    const delta = new Int32Array(this.next.length * width);
    // Breadth-first, so a state's failure state is already filled in when it is read.
    const order = [0];
    for (let q = 0; q < order.length; q++) for (const child of this.next[order[q]!]!.values()) order.push(child);
    for (const state of order) {
      const base = state * width;
      const failBase = this.fail[state]! * width;
      for (let col = 1; col < width; col++) delta[base + col] = state === 0 ? 0 : delta[failBase + col]!;
      for (const [c, child] of this.next[state]!) delta[base + this.alpha[c]!] = child;
    }
    this.delta = delta;
    this.width = width;
    this.depthOf = Uint16Array.from(this.depth, (d) => Math.min(d, 0xffff));
  }

  /** The automaton's state after reading `c` in state `node` (0 is the start). */
  step(node: number, c: number): number {
    return this.delta[node * this.width + this.alpha[c]!]!;
  }

  /**
   * Whether reading `c` in `node` continues a pattern prefix of at least two units: some
   * suffix of what was read, extended by `c`, begins a pattern (after `加微` + noise, `信`
   * continues `微`). The matcher skips noise inside a name only where the name goes on.
   * The DFA's target is the longest such prefix, so one array read answers it.
   */
  continues(node: number, c: number): boolean {
    return this.depthOf[this.delta[node * this.width + this.alpha[c]!]!]! >= 2;
  }

  /** continues() with the column already looked up. */
  continuesColumn(node: number, column: number): boolean {
    return this.depthOf[this.delta[node * this.width + column]!]! >= 2;
  }

  /** The column of code unit `c` (0 when no pattern uses it): with stepColumn, a caller can fold it into its own table. */
  column(c: number): number {
    return this.alpha[c]!;
  }

  /** step() with the column already looked up. */
  stepColumn(node: number, column: number): number {
    return this.delta[node * this.width + column]!;
  }

  /** Number of states; states are 0 … size - 1. */
  get size(): number {
    return this.next.length;
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
        this.depth.push(this.depth[node]! + 1);
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
