import { polyphonic, pinyin } from 'pinyin-pro';
import type { CompiledCompetitorService } from '../policy/competitors.js';
import { foldTable } from './normalize.js';

/**
 * Homophones generated from each listed name's pinyin (rules/competitors.yaml
 * `homophonesOf`): any characters that read wei-xin spell 微信. The matcher runs them
 * as a bit-parallel automaton: MASK[c] has bit (name, k) set when c can read the k-th
 * syllable of that name, so one table read and a shift per character follow every
 * name at once, in one pass, whatever the number of spellings (wei × xin alone is
 * hundreds of pairs; 小红书 tens of thousands of triples, too many for the dictionary).
 */
export interface HomophoneName {
  readonly service: CompiledCompetitorService;
  readonly name: string;
  readonly syllables: readonly string[];
  /** Bit of the last syllable: set in the state when the whole name has been read. */
  readonly lastBit: number;
}

export interface HomophoneTable {
  readonly mask: Uint32Array;
  /** Bits of every name's first syllable. */
  readonly first: number;
  /** Bits of every name's last syllable. */
  readonly last: number;
  readonly names: readonly HomophoneName[];
}

/** The bits are 32: a name is 2–4 syllables, so at least 8 names fit. */
const BITS = 32;

/** Thrown when rules/competitors.yaml asks for more homophone syllables than the automaton holds. */
export class HomophoneLimitError extends Error {
  override name = 'HomophoneLimitError';
}

/**
 * Every reading of every CJK unified ideograph (U+4E00–U+9FFF), from pinyin-pro in one
 * call, grouped by toneless syllable. Built once per process, on the first competitor
 * look (~50–80 ms on the 2-core machine, see BENCHMARKS.md "gate").
 */
let bySyllable: Map<string, number[]> | null = null;
function charsBySyllable(): Map<string, number[]> {
  if (bySyllable) return bySyllable;
  let all = '';
  for (let c = 0x4e00; c <= 0x9fff; c++) all += String.fromCharCode(c);
  const readings = polyphonic(all, { toneType: 'none', type: 'array' }) as string[][];
  const map = new Map<string, number[]>();
  for (let k = 0; k < readings.length; k++) {
    for (const syllable of readings[k] ?? []) {
      let list = map.get(syllable);
      if (!list) map.set(syllable, (list = []));
      list.push(0x4e00 + k);
    }
  }
  bySyllable = map;
  return map;
}

export function compileHomophones(services: readonly CompiledCompetitorService[]): HomophoneTable {
  const wanted: Array<{ service: CompiledCompetitorService; name: string }> = [];
  for (const service of services) for (const name of service.homophonesOf) wanted.push({ service, name });
  const mask = new Uint32Array(0x10000);
  if (wanted.length === 0) return { mask, first: 0, last: 0, names: [] };
  const chars = charsBySyllable();
  const { fold } = foldTable();
  const names: HomophoneName[] = [];
  let bit = 0;
  let first = 0;
  let last = 0;
  for (const { service, name } of wanted) {
    const syllables = pinyin(name, { toneType: 'none', type: 'array' });
    if (bit + syllables.length > BITS) {
      throw new HomophoneLimitError(
        `${service.file}:${service.line} ${service.id}: homophonesOf "${name}" does not fit: the homophone automaton holds ${BITS} syllables in all`,
      );
    }
    first |= 1 << bit;
    syllables.forEach((syllable, k) => {
      const b = 1 << (bit + k);
      for (const c of chars.get(syllable) ?? []) {
        mask[c]! |= b;
        // A traditional form folds to its simplified one before the lookup; mark both.
        const f = fold[c]!;
        if (f < 0xfffe) mask[f]! |= b;
      }
    });
    bit += syllables.length;
    last |= 1 << (bit - 1);
    names.push({ service, name, syllables, lastBit: 1 << (bit - 1) });
  }
  // `1 << 31` is negative in JS; keep every mask unsigned.
  return { mask, first: first >>> 0, last: last >>> 0, names };
}
