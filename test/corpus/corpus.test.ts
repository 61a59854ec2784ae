// Issue 10's own corpus: evasive replies that must be blocked, each with a twin that must
// be allowed, and ordinary replies that must all be allowed. See test/corpus/README.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createGate } from '../../src/gate.js';
import { CORPUS_DIR, KINDS, loadEvasive, loadOrdinary } from './load.mjs';

const gate = createGate({ cwd: '/tmp' });
const evasive = loadEvasive();
const ordinary = loadOrdinary();

/** What the gate said, short enough to read in a failure list. */
function verdict(message: unknown): { allowed: boolean; errors: string } {
  const v = gate.check(message);
  return { allowed: v.allowed, errors: v.findings.filter((f) => f.severity === 'error').map((f) => f.rule).join(', ') };
}

describe('corpus files', () => {
  test('hold enough cases, every kind represented', () => {
    expect(evasive.length).toBeGreaterThanOrEqual(340);
    expect(ordinary.length).toBeGreaterThanOrEqual(3200);
    const thin = KINDS.filter((k) => evasive.filter((c) => c.kind === k).length < 15);
    expect(thin, 'kinds with fewer than 15 cases').toEqual([]);
  });

  test('ordinary.jsonl is what gen-ordinary.mjs writes', () => {
    expect(() => execFileSync(process.execPath, [join(CORPUS_DIR, 'gen-ordinary.mjs'), '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  test('a malformed line is refused with its file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
    const good = JSON.stringify({ id: 'x-1', kind: 'link/redirect', message: { type: 'text', data: { text: 'a' } }, twin: 'type=text&data=%7B%7D', why: 'w' });
    const cases: Array<[string, RegExp]> = [
      [`${good}\n{"id":"x-2",`, /bad\.jsonl:2: not valid JSON/],
      [`${good}\n${good}`, /bad\.jsonl:2: id "x-1" already used on line 1/],
      [good.replace('link/redirect', 'link/nope'), /bad\.jsonl:1: "kind" "link\/nope"/],
      [good.replace('"why":"w"', '"why":""'), /bad\.jsonl:1: "why"/],
      [good.replace('"twin":"type=text&data=%7B%7D"', '"twin":null'), /bad\.jsonl:1: "twin" must be a message object or a raw string, got null/],
      [good.replace('"why"', '"wyh"'), /bad\.jsonl:1: unknown field "wyh"/],
      [`${good}\n\n${good.replace('x-1', 'x-3')}`, /bad\.jsonl:2: empty line/],
    ];
    for (const [text, error] of cases) {
      const file = join(dir, 'bad.jsonl');
      writeFileSync(file, text);
      expect(() => loadEvasive(file)).toThrow(error);
    }
    writeFileSync(join(dir, 'o.jsonl'), '{"id":"o-1","message":{"type":"text"}}\n');
    expect(() => loadOrdinary(join(dir, 'o.jsonl'))).toThrow(/o\.jsonl:1: "message\.data" is missing/);
  });
});

/**
 * Cases the engine still lets through, each with why (a trade-off against ordinary text,
 * or a spelling the normalization does not cover). The list must be exact: a case that
 * starts being blocked is taken off it, and a new miss fails the test.
 */
const knownMisses = new Map(
  readFileSync(join(CORPUS_DIR, 'known-misses.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const { id, reason } = JSON.parse(l) as { id: string; reason: string };
      if (!evasive.some((c) => c.id === id) || !reason) throw new Error(`known-misses.jsonl:${i + 1}: "${id}" is not an evasive case, or has no reason`);
      return [id, reason] as const;
    }),
);

describe('evasive replies are blocked (issue 10: these reproduce what got through)', () => {
  test.each(KINDS.map((k) => [k]))('%s', (kind) => {
    const cases = evasive.filter((c) => c.kind === kind);
    const passed = cases.filter((c) => verdict(c.message).allowed).map((c) => `${c.id} (line ${c.line}): ${c.why}`);
    const known = cases.filter((c) => knownMisses.has(c.id)).map((c) => `${c.id} (line ${c.line}): ${c.why}`);
    expect(passed, `${kind}: allowed but must be blocked (or listed in known-misses.jsonl with the reason)`).toEqual(known);
  });

  test('at least 95% of the evasive cases are blocked, and every kind at least 90%', () => {
    expect(knownMisses.size / evasive.length).toBeLessThanOrEqual(0.05);
    for (const kind of KINDS) {
      const cases = evasive.filter((c) => c.kind === kind);
      expect(cases.filter((c) => knownMisses.has(c.id)).length / cases.length, kind).toBeLessThanOrEqual(0.1);
    }
  });
});

describe('twins are allowed', () => {
  test.each(KINDS.map((k) => [k]))('%s', (kind) => {
    const blocked = evasive
      .filter((c) => c.kind === kind)
      .map((c) => ({ c, v: verdict(c.twin) }))
      .filter(({ v }) => !v.allowed)
      .map(({ c, v }) => `${c.id} (line ${c.line}) twin blocked: ${v.errors}`);
    expect(blocked, `${kind}: twin blocked but must be allowed`).toEqual([]);
  });
});

describe('ordinary replies are allowed', () => {
  test('none of ordinary.jsonl is blocked', () => {
    const blocked = ordinary
      .map((o) => ({ o, v: verdict(o.message) }))
      .filter(({ v }) => !v.allowed)
      .map(({ o, v }) => `${o.id} (line ${o.line}): ${v.errors}`);
    expect(blocked, 'ordinary replies blocked').toEqual([]);
  });
});
