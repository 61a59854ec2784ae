import { createRequire } from 'node:module';
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
  /** The readings of each character of the name. */
  readonly syllables: readonly (readonly string[])[];
  /** Bit of the last syllable: set in the state when the whole name has been read. */
  readonly lastBit: number;
}

export interface HomophoneTable {
  /** INDEX[c - 0x4E00] (c in U+4E00–U+9FFF): which entry of MASKS holds c's bits. */
  // Two small arrays instead of one 256 KB Uint32Array over the BMP: the first look
  // reads it for every Chinese character, and the big table's cache misses doubled its cost.
  readonly index: Uint8Array;
  readonly masks: Uint32Array;
  /** Bits of every name's first syllable. */
  readonly first: number;
  /** Bits of every name's last syllable. */
  readonly last: number;
  readonly names: readonly HomophoneName[];
}

export const CJK_FROM = 0x4e00;
export const CJK_SIZE = 0x9fff - 0x4e00 + 1;

/** The bits are 32: a name is 2–4 syllables, so at least 8 names fit. */
const BITS = 32;

/** Thrown when rules/competitors.yaml asks for more homophone syllables than the automaton holds. */
export class HomophoneLimitError extends Error {
  override name = 'HomophoneLimitError';
}

type PinyinPro = typeof import('pinyin-pro');
let pinyinPro: PinyinPro | null = null;
/** pinyin-pro's dictionary takes 30–70 ms to load: required on the first competitor look only. */
function pinyinLib(): PinyinPro {
  return (pinyinPro ??= createRequire(import.meta.url)('pinyin-pro') as PinyinPro);
}

/**
 * The bounded character range homophones are drawn from: GB2312's 6,763 hanzi (the
 * characters a Chinese input method offers first, hence the ones evasions use),
 * decoded in one call. The whole U+4E00–U+9FFF block (21k) tripled the start-up cost.
 */
function gb2312(): string {
  const bytes = new Uint8Array(72 * 94 * 2);
  let k = 0;
  for (let lead = 0xb0; lead <= 0xf7; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) {
      bytes[k++] = lead;
      bytes[k++] = trail;
    }
  }
  return [...new TextDecoder('gb18030').decode(bytes)].filter((ch) => ch.length === 1 && ch >= '\u4e00' && ch <= '\u9fff').join('');
}

/**
 * Every reading of every character in the range, from pinyin-pro in one call, grouped
 * by toneless syllable. Built once per process, on the first competitor look.
 */
let bySyllable: Map<string, number[]> | null = null;
/** And the other way: every reading of each character in the range. */
let readingsOf: Map<number, readonly string[]> | null = null;
function charsBySyllable(): Map<string, number[]> {
  if (bySyllable) return bySyllable;
  const all = gb2312();
  const readings = pinyinLib().polyphonic(all, { toneType: 'none', type: 'array' }) as string[][];
  const map = new Map<string, number[]>();
  const of = new Map<number, readonly string[]>();
  for (let k = 0; k < readings.length; k++) {
    const c = all.charCodeAt(k);
    of.set(c, readings[k] ?? []);
    for (const syllable of readings[k] ?? []) {
      let list = map.get(syllable);
      if (!list) map.set(syllable, (list = []));
      list.push(c);
    }
  }
  bySyllable = map;
  readingsOf = of;
  return map;
}

export function compileHomophones(services: readonly CompiledCompetitorService[]): HomophoneTable {
  const wanted: Array<{ service: CompiledCompetitorService; name: string }> = [];
  for (const service of services) for (const name of service.homophonesOf) wanted.push({ service, name });
  const mask = new Uint32Array(0x10000);
  if (wanted.length === 0) return { index: new Uint8Array(CJK_SIZE), masks: new Uint32Array(1), first: 0, last: 0, names: [] };
  const chars = charsBySyllable();
  const { fold } = foldTable();
  const names: HomophoneName[] = [];
  let bit = 0;
  let first = 0;
  let last = 0;
  for (const { service, name } of wanted) {
    // Every reading of each character of the name counts (a name is short; pinyin-pro's
    // pinyin() in context would load its word segmentation, ~20 ms more at start-up).
    const syllables = [...name].map((ch) => readingsOf!.get(ch.charCodeAt(0)) ?? []);
    if (syllables.some((r) => r.length === 0)) {
      throw new HomophoneLimitError(`${service.file}:${service.line} ${service.id}: homophonesOf "${name}" has a character outside GB2312, whose reading is not known`);
    }
    if (bit + syllables.length > BITS) {
      throw new HomophoneLimitError(
        `${service.file}:${service.line} ${service.id}: homophonesOf "${name}" does not fit: the homophone automaton holds ${BITS} syllables in all`,
      );
    }
    first |= 1 << bit;
    syllables.forEach((readings, k) => {
      const b = 1 << (bit + k);
      for (const c of readings.flatMap((syllable) => chars.get(syllable) ?? [])) {
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
  const index = new Uint8Array(CJK_SIZE);
  const distinct = new Map<number, number>([[0, 0]]);
  for (let k = 0; k < CJK_SIZE; k++) {
    const m = mask[CJK_FROM + k]!;
    let at = distinct.get(m);
    if (at === undefined) {
      at = distinct.size;
      if (at > 63) throw new HomophoneLimitError('rules/competitors.yaml: homophonesOf names share too few characters to index (more than 63 distinct syllable sets)');
      distinct.set(m, at);
    }
    index[k] = at;
  }
  const masks = new Uint32Array(distinct.size);
  for (const [m, at] of distinct) masks[at] = m;
  // `1 << 31` is negative in JS; keep every mask unsigned.
  return { index, masks, first: first >>> 0, last: last >>> 0, names };
}
