import { CHANNEL_ZH, type Channel } from '../context.js';
import { finding, type Finding, type Localized, type Span } from '../findings.js';
import type { CompiledCompetitorService, CompiledCompetitors } from '../policy/competitors.js';
import { AhoCorasick, type Match } from './aho.js';
import { CJK_FROM, CJK_SIZE, compileHomophones, type HomophoneTable } from './homophones.js';
import { CJK, CLAUSE_END, COMPLEX, DROP, LATIN, NOISE, SENTENCE_END, SPACE, TAG_HIGH, emojiLetterLow, foldBuffer, foldInto, foldTable, normalizeForMatch, normalizeTerm, originEnd } from './normalize.js';

/**
 * competitor/promotion and competitor/mention. The reply API "mustn't be used to
 * promote or guide the user to any service that competes with Weibo". Promotion is a
 * small grammar, decided per sentence: a service or one of its surfaces joined to a
 * directive — a call to action (加微信, follow us on), a direction (去抖音搜, watch it on
 * TikTok), an account pointer (抖音号 acme, 快手：acme, 微信同号) or a possessive
 * (我们的公众号, our official WeChat) — that no negation (请勿, don't) cancels. A name
 * without one is a mention (微信支付暂不支持, a warning); the words live in
 * rules/competitors.yaml, so maintainers add words, not code.
 *
 * Linear: a buffer-free first look over the text rules out most replies; otherwise one
 * pass folds (src/checks/normalize.ts), one automaton finds names (skipping a bounded
 * run of noise inside a name: 微🌟信, Q.Q, W e C h a t), a bit-parallel one finds pinyin
 * homophones, another finds the grammar's words, and a scan over the few matches
 * decides. Offsets are those of the original text (UTF-16 units).
 */

type Service = CompiledCompetitorService;

/** What the name automaton finds. */
type NameTerm =
  | { kind: 'name' | 'surface' | 'id' | 'mention-only'; service: Service; text: string; ambiguous: boolean; weak: boolean }
  | { kind: 'other-platform'; text: string };

type WordKind = 'cta' | 'prep' | 'verb' | 'not-verb' | 'pointer' | 'same-number' | 'possessive' | 'negation' | 'not-negation' | 'negation-end' | 'surface-verb' | 'fused';
type WordTerm = { kind: WordKind; text: string; lang: 'zh' | 'en' };

export type DirectiveKind = 'call-to-action' | 'direction' | 'pointer' | 'possession';

/** One matched part of a sentence, with its span in the original text. */
export interface TracePart {
  kind: string;
  /** The dictionary term (or the generating name, for a pinyin homophone). */
  term: string;
  start: number;
  end: number;
  /** The original text of the span. */
  original: string;
}

export interface TraceName extends TracePart {
  kind: 'name' | 'surface' | 'id' | 'mention-only' | 'homophone';
  service: string;
  /** Counted only with a directive right next to it (short or everyday words, homophones, generic surfaces). */
  needsStrongContext: boolean;
  result: 'promotion' | 'mention' | 'nothing';
  why: Localized;
  /** What made it promotion (the finding's span covers it). */
  directive?: TracePart & { kind: DirectiveKind };
}

export interface TraceSentence {
  start: number;
  end: number;
  text: string;
  names: TraceName[];
  /** Every grammar word in the sentence that counts (negated ones carry `negatedBy`). */
  directives: Array<TracePart & { negatedBy?: string }>;
  result: 'promotion' | 'mention' | 'nothing';
  why: Localized;
}

export interface CompetitorTrace {
  text: string;
  /** The folded text the matchers read (width, case, traditional → simplified, invisible characters removed). */
  normalized: string;
  /** False when the first look found no name at all (the text was not folded). */
  looked: boolean;
  sentences: TraceSentence[];
  result: 'promotion' | 'mention' | 'nothing';
}

export interface CompetitorOptions {
  /** Shortest account ID after `微信号：`. */
  minIdLength?: number;
}

export interface CompetitorChecker {
  /** `skip`: sorted, non-overlapping spans (links) whose text the link rules judge instead. */
  check(text: string, path: string, channel: Channel, skip?: readonly Span[]): Finding[];
  /** The same decision as `check`, as plain data: sentences, matched parts and why. */
  trace(text: string, skip?: readonly Span[]): CompetitorTrace;
}

/** Longest run of noise units skipped inside a name (`微🌟信` is 2, `V❤️信` 1 after the selector drops). */
const NOISE_RUN = 3;
/** How far (tokens: a CJK character or a Latin word) a negation may sit before a directive: 请勿 + 随意 + 添加. */
const NEGATION_REACH = 2;
/** How far a possessive or preposition may sit before a name (我们的 + 官方 + 抖音). */
const BEFORE_REACH = 2;
/** Strong context for homophones and everyday words: a call to action at most this many units away. */
const STRONG_GAP = 2;

const ASCII_WORD = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
const ID_CHAR = (c: number) => ASCII_WORD(c) || c === 0x5f /* _ */ || c === 0x2d /* - */ || c === 0x2b /* + */ || c === 0x2e /* . */;

function foldedAt(text: string, i: number): number {
  if (i < 0 || i >= text.length) return -1;
  const f = foldTable().fold[text.charCodeAt(i)]!;
  return f === DROP || f === COMPLEX ? text.charCodeAt(i) : f;
}

interface Sentences {
  /** Sorted offsets of sentence ends and clause ends (the end character's offset). */
  sentenceEnds: number[];
  clauseEnds: number[];
}

function segment(text: string): Sentences {
  const { flags } = foldTable();
  const sentenceEnds: number[] = [];
  const clauseEnds: number[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const fl = flags[c]!;
    // A full stop ends an English sentence only before white space or the end (`Q.Q`, `1.5` stay whole).
    const stop = c === 0x2e && i > 0 && ASCII_WORD(foldedAt(text, i - 1)) && !ASCII_WORD(foldedAt(text, i + 1)) && !(flags[text.charCodeAt(i + 1)]! & NOISE);
    if (fl & SENTENCE_END || stop || c === 0x3002 /* 。 */) {
      sentenceEnds.push(i);
      clauseEnds.push(i);
    } else if (fl & CLAUSE_END) clauseEnds.push(i);
  }
  return { sentenceEnds, clauseEnds };
}

/** Index of the first end >= at: the sentence (or clause) `at` lies in. */
function indexOf(ends: readonly number[], at: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function compileCompetitorChecker(competitors: CompiledCompetitors, options: CompetitorOptions = {}): CompetitorChecker {
  const minId = options.minIdLength ?? 3;
  const nameTerms: Array<[string, NameTerm]> = [];
  for (const service of competitors.services) {
    for (const t of service.terms) nameTerms.push([normalizeTerm(t.normalized), { kind: 'name', service, text: t.text, ambiguous: t.ambiguous, weak: false }]);
    for (const id of service.idPatterns) nameTerms.push([normalizeTerm(id), { kind: 'id', service, text: id, ambiguous: false, weak: false }]);
    for (const s of service.surfaces) nameTerms.push([normalizeTerm(s.normalized), { kind: 'surface', service, text: s.text, ambiguous: false, weak: s.weak }]);
    for (const m of service.mentionsOnly) nameTerms.push([normalizeTerm(m), { kind: 'mention-only', service, text: m, ambiguous: false, weak: false }]);
  }
  for (const p of competitors.notCompetitors) nameTerms.push([normalizeTerm(p), { kind: 'other-platform', text: p }]);
  // An everyday word around a name (加快手续 around 快手) wins as the longer match, and is no service.
  for (const w of competitors.everydayWords) nameTerms.push([normalizeTerm(w), { kind: 'other-platform', text: w }]);
  const names = new AhoCorasick(nameTerms);
  const ringSize = 1 << Math.ceil(Math.log2(Math.max(2, names.longest + 1, 8)));
  const ringMask = ringSize - 1;

  const wordTerms: Array<[string, WordTerm]> = [];
  const addWords = (kind: WordKind, lists: { zh: readonly string[]; en: readonly string[] }) => {
    for (const lang of ['zh', 'en'] as const) for (const w of lists[lang]) wordTerms.push([normalizeTerm(w), { kind, text: w, lang }]);
  };
  const d = competitors.directives;
  addWords('cta', competitors.callsToAction);
  addWords('prep', d.directionPrepositions);
  addWords('verb', d.directionVerbs);
  addWords('not-verb', d.notDirections);
  addWords('pointer', d.pointers);
  addWords('same-number', d.sameNumber);
  addWords('possessive', d.possessives);
  addWords('negation', d.negations);
  addWords('not-negation', d.notNegations);
  addWords('negation-end', d.negationEnds);
  addWords('surface-verb', d.surfaceVerbs);
  addWords('fused', d.fused);
  const words = new AhoCorasick(wordTerms);

  /** States where a service or platform term ends: most replies never reach one. */
  const namesEnd = new Uint8Array(names.size);
  for (let s = 0; s < names.size; s++) namesEnd[s] = names.outputs(s).length > 0 ? 1 : 0;

  // The pinyin table costs tens of milliseconds: built on the first look, not at start-up.
  let homophones: HomophoneTable | null = null;
  const homo = () => (homophones ??= compileHomophones(competitors.services));

  const buf = foldBuffer();
  const ring = new Uint32Array(ringSize);

  /**
   * Whether the noise run starting at `i` (in units read through `unit`) sits inside a
   * name: at most NOISE_RUN units, the name goes on after it, and white space between
   * two Latin letters only when both stand alone (`W e C h a t`, not `we chat`).
   * Returns the index of the unit after the run, or -1.
   */
    const skipNoise = (unitAt: (k: number) => number, n: number, i: number, node: number, ac: AhoCorasick<unknown> = names): number => {
    const { flags } = foldTable();
    let j = i;
    let onlySpace = true;
    while (j < n && j - i < NOISE_RUN && flags[unitAt(j)]! & NOISE) {
      if (!(flags[unitAt(j)]! & SPACE)) onlySpace = false;
      j++;
    }
    if (j >= n || flags[unitAt(j)]! & NOISE) return -1;
    const next = unitAt(j);
    if (!ac.continues(node, next)) return -1;
    // The grammar's words skip noise between Chinese characters only (请 勿, 同 号): English ones have their own spaces.
    if (ac !== names && !(i > 0 && flags[unitAt(i - 1)]! & CJK && flags[next]! & CJK)) return -1;
    if (onlySpace) {
      const before = i > 0 ? unitAt(i - 1) : -1;
      if (before >= 0 && flags[before]! & LATIN) {
        const lone = (k: number) => k < 0 || k >= n || !(flags[unitAt(k)]! & LATIN);
        if (!(lone(i - 2) && lone(j + 1))) return -1;
      } else if (flags[next]! & LATIN) return -1; // 微信 abc: a space before a Latin word stays
    }
    return j;
  };

  /**
   * Cheapest look, straight over the text with the same folding as foldInto: false
   * only when no service term (as a whole word) nor a pinyin homophone can end
   * anywhere, which is most replies. Anything unusual (a pair other than an emoji, an
   * NFKC expansion) answers "maybe".
   */
  // The text mayName reads, for rawAt: one closure for the checker's life, none per call.
  let rawText = '';
  const rawAt = (k: number) => {
    const c = rawText.charCodeAt(k);
    const f = foldTable().fold[c]!;
    return f >= COMPLEX ? c : f;
  };
  /**
   * The first look's one table: for each raw code unit, its name-automaton column (bits
   * 0–15), the flags of its fold (16–23), its homophone syllable set (24–29), and bit 30
   * for a unit that is dropped (bit 0 then set) or needs the slow path. One read per
   * character instead of four (fold, flags, syllables, column): at a few nanoseconds
   * per character, each table read was a measurable share of the gate.
   */
  const SPECIAL = 1 << 30;
  let look: Int32Array | null = null;
  const lookTable = (): Int32Array => {
    if (look) return look;
    const { fold, flags } = foldTable();
    const { index } = homo();
    const t = new Int32Array(0x10000);
    for (let c = 0; c < 0x10000; c++) {
      let f = fold[c]!;
      if (f === DROP) {
        t[c] = SPECIAL | 1;
        continue;
      }
      if (f === COMPLEX) {
        if (!(flags[c]! & NOISE) || emojiLetterLow(c)) {
          t[c] = SPECIAL;
          continue;
        }
        f = c; // an emoji half: noise inside a name
      }
      const syllables = f >= CJK_FROM && f - CJK_FROM < CJK_SIZE ? index[f - CJK_FROM]! : 0;
      t[c] = names.column(f) | (flags[f]! << 16) | (syllables << 24);
    }
    return (look = t);
  };

  const mayName = (text: string, skip: readonly Span[]): boolean => {
    const table = lookTable();
    const { masks, first, last } = homo();
    const n = text.length;
    rawText = text;
    let node = 0;
    let syl = 0;
    let noiseRun = 0;
    let fed = 0;
    // Links are the link rules' to judge (their matches are dropped later): the first look jumps over them.
    let k = 0;
    let nextSkip = skip.length > 0 ? skip[0]!.start : n;
    for (let i = 0; i < n; i++) {
      if (i === nextSkip) {
        i = skip[k]!.end - 1;
        nextSkip = ++k < skip.length ? Math.max(skip[k]!.start, i + 1) : n;
        node = 0;
        syl = 0;
        continue;
      }
      const c = text.charCodeAt(i);
      const x = table[c]!;
      if (x & SPECIAL) {
        if (!(x & 1)) return true;
        if (c === TAG_HIGH) i++;
        continue;
      }
      if ((x >> 16) & NOISE) {
        if (++noiseRun > NOISE_RUN) syl = 0;
        if (node !== 0 && !names.continuesColumn(node, x & 0xffff) && i + 1 < n) {
          // Most noise (a space between words, a colon) is followed by a unit that is no noise and continues no name.
          const y = table[text.charCodeAt(i + 1)]!;
          if (y & SPECIAL || (y >> 16) & NOISE || names.continuesColumn(node, y & 0xffff)) {
            const j = skipNoise(rawAt, Math.min(n, nextSkip), i, node);
            if (j >= 0) {
              i = j - 1;
              continue;
            }
          }
        }
      } else {
        noiseRun = 0;
        syl = masks[x >>> 24]! & (first | ((syl << 1) & ~first));
        if (syl & last) return true;
      }
      node = names.stepColumn(node, x & 0xffff);
      // Where each unit read came from: with units dropped or skipped (w.x in a host), a match's start is not i - length + 1.
      ring[fed++ & ringMask] = i;
      if (!namesEnd[node]) continue;
      for (const [length, value] of names.outputs(node)) {
        if (value.kind !== 'other-platform' && onWordBoundary(text, ring[(fed - length) & ringMask]!, i + 1)) return true;
      }
    }
    return false;
  };

  /** Every name-automaton match over the folded buffer, in end order, with original offsets. */
  const scanNames = (text: string, len: number): Array<Match<NameTerm>> => {
    const found: Array<Match<NameTerm>> = [];
    const { units, origins } = buf;
    const { flags } = foldTable();
    const unitAt = (k: number) => units[k]!;
    let node = 0;
    let fed = 0;
    for (let pos = 0; pos < len; pos++) {
      const u = units[pos]!;
      if (node !== 0 && flags[u]! & NOISE && !names.continues(node, u)) {
        const j = skipNoise(unitAt, len, pos, node);
        if (j >= 0) {
          pos = j - 1;
          continue;
        }
      }
      node = names.step(node, u);
      ring[fed++ & ringMask] = origins[pos]!;
      if (node === 0 || !namesEnd[node]) continue;
      for (const [length, value] of names.outputs(node)) {
        found.push({ start: ring[(fed - length) & ringMask]!, end: originEnd(text, origins[pos]!), value });
      }
    }
    return found;
  };

  /** Pinyin homophones (any spelling reading like a `homophonesOf` name), in end order. */
  const scanHomophones = (text: string, len: number): Array<Match<NameTerm & { kind: 'name' }> & { generated: string }> => {
    const { index, masks, first, last, names: hn } = homo();
    const found: Array<Match<NameTerm & { kind: 'name' }> & { generated: string }> = [];
    if (hn.length === 0) return found;
    const { units, origins } = buf;
    const { flags } = foldTable();
    let syl = 0;
    let fed = 0;
    let noiseRun = 0;
    for (let pos = 0; pos < len; pos++) {
      const u = units[pos]!;
      if (flags[u]! & NOISE) {
        if (++noiseRun > NOISE_RUN) syl = 0;
        continue;
      }
      noiseRun = 0;
      syl = u >= CJK_FROM && u - CJK_FROM < CJK_SIZE ? (masks[index[u - CJK_FROM]!]! & (first | ((syl << 1) & ~first))) >>> 0 : 0;
      ring[fed++ & ringMask] = origins[pos]!;
      if (!(syl & last)) continue;
      for (const h of hn) {
        if (!(syl & h.lastBit)) continue;
        found.push({
          start: ring[(fed - h.syllables.length) & ringMask]!,
          end: originEnd(text, origins[pos]!),
          value: { kind: 'name', service: h.service, text: h.name, ambiguous: true, weak: false },
          generated: h.name,
        });
      }
    }
    return found;
  };

  const wordRing = new Uint32Array(1 << Math.ceil(Math.log2(Math.max(8, words.longest + 1))));
  const wordMask = wordRing.length - 1;
  const scanWords = (text: string, len: number): Array<Match<WordTerm>> => {
    const found: Array<Match<WordTerm>> = [];
    const { units, origins } = buf;
    const { flags } = foldTable();
    const unitAt = (k: number) => units[k]!;
    let node = 0;
    let fed = 0;
    for (let pos = 0; pos < len; pos++) {
      const u = units[pos]!;
      if (node !== 0 && flags[u]! & NOISE && !words.continues(node, u)) {
        const j = skipNoise(unitAt, len, pos, node, words as AhoCorasick<unknown>);
        if (j >= 0) {
          pos = j - 1;
          continue;
        }
      }
      node = words.step(node, u);
      wordRing[fed++ & wordMask] = origins[pos]!;
      if (node === 0) continue;
      for (const [length, value] of words.outputs(node)) {
        const start = wordRing[(fed - length) & wordMask]!;
        const end = originEnd(text, origins[pos]!);
        if (onWordBoundary(text, start, end)) found.push({ start, end, value });
      }
    }
    return found;
  };

  const analyze = (text: string, skip: readonly Span[]): Analysis | null => {
    if (!mayName(text, skip)) return null;
    const len = foldInto(text, buf);
    const found = scanNames(text, len);
    const generated = scanHomophones(text, len);
    const all = outsideSkipped([...found, ...generated].sort((a, b) => a.end - b.end || b.end - b.start - (a.end - a.start)), skip).filter((m) => onWordBoundary(text, m.start, m.end));
    const kept = longestMatches(all);
    if (!kept.some((m) => m.value.kind !== 'other-platform')) return null;
    const wordsFound = outsideSkipped(scanWords(text, len), skip);
    return decide(text, kept, wordsFound, generated, minId);
  };

  return {
    check(text, path, channel, skip = []) {
      const a = analyze(text, skip);
      if (!a) return [];
      const out: Finding[] = [];
      for (const r of a.names) if (r.result !== 'nothing') out.push(report(text, r, channel, path));
      return out;
    },
    trace(text, skip = []) {
      const a = analyze(text, skip);
      const normalized = normalizeForMatch(text).text;
      if (!a) return { text, normalized, looked: false, sentences: [], result: 'nothing' };
      return traceOf(text, normalized, a);
    },
  };
}

interface Decided {
  match: Match<NameTerm>;
  service: Service;
  homophone: string | null;
  strongOnly: boolean;
  result: 'promotion' | 'mention' | 'nothing';
  why: Localized;
  directive: (Span & { kind: DirectiveKind; term: string }) | null;
  span: Span;
  sentence: number;
}

interface Analysis {
  names: Decided[];
  words: Array<Match<WordTerm> & { negatedBy: string | null }>;
  segments: Sentences;
}

/** Drops matches inside a skipped span. Both come in end order, so one cursor does it. */
function outsideSkipped<T>(matches: Array<Match<T>>, skip: readonly Span[]): Array<Match<T>> {
  if (skip.length === 0) return matches;
  let k = 0;
  return matches.filter((m) => {
    while (k < skip.length && skip[k]!.end < m.end) k++;
    return !(k < skip.length && skip[k]!.start <= m.start);
  });
}

function onWordBoundary(text: string, start: number, end: number): boolean {
  // Latin terms match whole words only: `line` is not in `online`, `add` not in `address`.
  if (ASCII_WORD(foldedAt(text, start)) && ASCII_WORD(foldedAt(text, start - 1))) return false;
  if (ASCII_WORD(foldedAt(text, end - 1)) && ASCII_WORD(foldedAt(text, end))) return false;
  return true;
}

const isAmbiguous = (m: Match<NameTerm>) => m.value.kind !== 'other-platform' && m.value.ambiguous;

/**
 * Matches with any match inside a longer one dropped (微信 inside 微信支付). Matches
 * arrive in end order, so a stack does it in one pass.
 */
function longestMatches<T extends NameTerm | WordTerm>(matches: Array<Match<T>>): Array<Match<T>> {
  const kept: Array<Match<T>> = [];
  for (const m of matches) {
    while (kept.length > 0) {
      const top = kept[kept.length - 1]!;
      // Strictly inside the new one: dropped. With the same span, the first (a listed term before a generated homophone) stays.
      if (top.start >= m.start && top.end <= m.end && top.end - top.start < m.end - m.start) kept.pop();
      else break;
    }
    const top = kept[kept.length - 1];
    if (top && top.end > m.start) {
      if (top.start <= m.start && top.end >= m.end) continue; // inside the top one
      // Overlap without nesting (加微|微信, 加薇|薇芯): an unambiguous name beats an ambiguous one; between
      // two ambiguous ones the later wins, since the earlier is then usually a call to action fused to a name.
      const a = top as unknown as Match<NameTerm>;
      const b = m as unknown as Match<NameTerm>;
      // Between two service terms that are no everyday words, the later one runs on past the earlier (腾讯QQ|QQ群: the group).
      const service = (x: Match<NameTerm>) => x.value.kind !== 'other-platform';
      if ('ambiguous' in a.value && isAmbiguous(a) && (!isAmbiguous(b) || b.end > a.end)) kept[kept.length - 1] = m;
      else if ('ambiguous' in a.value && service(a) && service(b) && !isAmbiguous(a) && !isAmbiguous(b) && b.end > a.end) kept[kept.length - 1] = m;
      continue;
    }
    kept.push(m);
  }
  return kept;
}

/** Tokens between two offsets: each CJK character and each Latin word or number counts one. */
function tokensBetween(text: string, from: number, to: number, cap: number): number {
  const { flags } = foldTable();
  let tokens = 0;
  let inWord = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const f = foldedAt(text, i);
    if (flags[c]! & CJK) {
      tokens++;
      inWord = false;
    } else if (ASCII_WORD(f)) {
      if (!inWord) tokens++;
      inWord = true;
    } else inWord = false;
    if (tokens > cap) return tokens;
  }
  return tokens;
}

/** Joiners between a pointer and its value (`微信号：`, `id = `, `账号是`). */
/** Joiners between a pointer and its value (`微信号：`, `id = `, `账号是`). */
const JOINER = new Set([...' :=：是为码叫做\t\u3000\n'].map((c) => c.charCodeAt(0)));
/** Joiners that point at what follows as a colon does (`微信 | acme`, `ID » acme`, `微信 ➡️ acme`). */
const POINTING = new Set([...':=|»›→➜➡⇒>'].map((c) => c.charCodeAt(0)));
const QUOTES_OPEN = new Set([...'“"「『‘\'《【'].map((c) => c.charCodeAt(0)));
const PAREN_OPEN = new Set([...'(（'].map((c) => c.charCodeAt(0)));

/**
 * The end of an account value right after `at`, or null: an identifier (letters,
 * digits, _-+.) of at least `minLength`, with an optional `@`; after a colon or inside
 * quotes, a name in Chinese too (小红书名：某某旗舰店). Without a colon a name needs
 * `pointer` false only for a phone-like number (微信 13812345678); in parentheses the
 * value must look like an ID (digits or `_`: 抖音（dy_abc）, not 微信（WeChat）); and a
 * lone English word followed by more prose is a sentence, not an ID (TikTok: this account is …).
 */
function valueAfter(text: string, at: number, pointer: boolean, minLength: number): number | null {
  const { flags, fold } = foldTable();
  let i = at;
  let colon = false;
  let guard = 0;
  while (i < text.length && guard++ < 8) {
    const f = foldedAt(text, i);
    if (fold[text.charCodeAt(i)] === DROP) {
      i++;
      continue;
    }
    if (POINTING.has(f) || (f === 0x2d /* - */ && foldedAt(text, i + 1) === 0x20 && i > at)) {
      colon = true;
      i++;
      continue;
    }
    if (JOINER.has(f)) {
      i++;
      continue;
    }
    // English `is`: "my TikTok handle is acme".
    if (f === 0x69 && foldedAt(text, i + 1) === 0x73 && !ASCII_WORD(foldedAt(text, i + 2)) && i > at) {
      i += 2;
      continue;
    }
    break;
  }
  let quoted = false;
  let paren = false;
  if (i < text.length && QUOTES_OPEN.has(text.charCodeAt(i))) {
    quoted = true;
    i++;
  } else if (i < text.length && PAREN_OPEN.has(foldedAt(text, i))) {
    paren = true;
    i++;
  }
  if (i < text.length && foldedAt(text, i) === 0x40 /* @ */) i++;
  const start = i;
  while (i < text.length && ID_CHAR(foldedAt(text, i))) i++;
  while (i > start && foldedAt(text, i - 1) === 0x2e) i--; // a full stop after the ID ends the sentence
  const id = text.slice(start, i);
  const idLike = /[\d_]/.test(id);
  const prose = !idLike && !/[.\-+]/.test(id) && foldedAt(text, i) === 0x20 && ASCII_WORD(foldedAt(text, i + 1));
  if (paren) return i - start >= minLength && idLike ? i : null;
  if (i - start >= minLength && !prose && (pointer || colon || quoted || /^1[3-9]\d{9}$/.test(id))) return i;
  if ((colon || quoted) && i === start) {
    let k = start;
    while (k < text.length && k - start < 40 && flags[text.charCodeAt(k)]! & CJK) k++;
    if (k - start >= 2) return k;
  }
  return null;
}

function decide(text: string, kept: Array<Match<NameTerm>>, found: Array<Match<WordTerm>>, generated: readonly object[], minId: number): Analysis {
  const segments = segment(text);
  const sentenceOf = (at: number) => indexOf(segments.sentenceEnds, at);
  const clauseOf = (at: number) => indexOf(segments.clauseEnds, at);
  const serviceNames = kept.filter((m) => m.value.kind !== 'other-platform');

  // A verb inside a reporting word (看到, 买过) is not a directive, nor a negation inside a word that does not negate (没问题,
  // 别错过); a word inside a longer one of the same kind is dropped (加 in 添加).
  const notVerbs = found.filter((w) => w.value.kind === 'not-verb');
  const notNegations = found.filter((w) => w.value.kind === 'not-negation');
  const inside = (list: Array<Match<WordTerm>>, w: Match<WordTerm>) => overlapping(list, w).some((n) => n.start <= w.start && n.end >= w.end);
  let words = longestByKind(found.filter((w) => w.value.kind !== 'not-verb' && w.value.kind !== 'not-negation'));
  words = words.filter((w) => !(w.value.kind === 'verb' && inside(notVerbs, w)) && !(w.value.kind === 'negation' && inside(notNegations, w)));
  // A word inside a service name (加 in 加V, 号 in 微信号) belongs to the name.
  words = words.filter((w) => w.value.kind === 'fused' || overlapping(serviceNames, w).length === 0);

  const negations = words.filter((w) => w.value.kind === 'negation');
  const nearNegation = (w: Match<WordTerm>): string | null => {
    const n = lastBefore(negations, w.start);
    if (!n || clauseOf(n.start) !== clauseOf(w.start)) return null;
    return tokensBetween(text, n.end, w.start, NEGATION_REACH) <= NEGATION_REACH ? n.value.text : null;
  };
  // A negation's scope, one pass in text order: from it to the end of its clause (or a word that ends the scope), every
  // directive up to the first name is negated, and that name with the names coordinated to it (TikTok or Douyin) is
  // covered: nothing makes it promotion. A live directive after a covered name ends the coordination (没有微信的可以加QQ).
  const scoped = new Map<Match<WordTerm>, string>();
  const covered = new Set<Match<NameTerm>>();
  {
    type Ev = { at: number; word?: Match<WordTerm>; name?: Match<NameTerm> };
    const events: Ev[] = [];
    for (const w of words) if (w.value.kind !== 'pointer' && w.value.kind !== 'same-number') events.push({ at: w.start, word: w });
    for (const m of serviceNames) events.push({ at: m.start, name: m });
    events.sort((a, b) => a.at - b.at);
    let active: Match<WordTerm> | null = null;
    let clause = -1;
    let state: 'before-name' | 'covering' | 'done' = 'done';
    for (const e of events) {
      const c = clauseOf(e.at);
      if (c !== clause) {
        clause = c;
        active = null;
      }
      if (e.name) {
        if (active && state !== 'done' && e.name.start >= active.end) {
          covered.add(e.name);
          state = 'covering';
        }
        continue;
      }
      const w = e.word!;
      const k = w.value.kind;
      if (k === 'negation') {
        active = w;
        state = 'before-name';
      } else if (k === 'negation-end') {
        if (active && w.start >= active.end) active = null;
      } else if (active && w.start >= active.end) {
        if (state === 'before-name') scoped.set(w, active.value.text);
        else if (state === 'covering') state = 'done';
      }
    }
  }
  const negatedBy = (w: Match<WordTerm>): string | null => scoped.get(w) ?? nearNegation(w);
  const marked = words
    .filter((w) => w.value.kind !== 'negation' && w.value.kind !== 'negation-end')
    .map((w) => Object.assign(w, { negatedBy: w.value.kind === 'pointer' || w.value.kind === 'same-number' ? null : negatedBy(w) }));
  const live = marked.filter((w) => w.negatedBy === null);
  const ofKind = (k: WordKind) => live.filter((w) => w.value.kind === k);
  const ctas = ofKind('cta');
  const preps = ofKind('prep');
  const verbs = ofKind('verb');
  const pointers = ofKind('pointer');
  const same = ofKind('same-number');
  const possessives = ofKind('possessive');
  const surfaceVerbs = ofKind('surface-verb');
  const fused = ofKind('fused');
  const generatedMatches = new Set<object>(generated);

  const decided: Decided[] = [];
  for (let idx = 0; idx < kept.length; idx++) {
    const m = kept[idx]!;
    const v = m.value;
    if (v.kind === 'other-platform') continue;
    const sentence = sentenceOf(m.start);
    const clause = clauseOf(m.start);
    const homophone = generatedMatches.has(m) ? v.text : null;
    const prev = idx > 0 ? kept[idx - 1] : undefined;
    // A generic surface right after a platform's name is that platform's (支付宝小程序, 抖音小程序).
    if (v.weak && prev && prev.end <= m.start && tokensBetween(text, prev.end, m.start, 0) === 0 && m.start - prev.end <= 1) continue;
    const strongOnly = v.ambiguous || homophone !== null;
    const sameClause = (w: Match<WordTerm>) => clauseOf(w.start) === clause && clauseOf(Math.max(w.end - 1, w.start)) === clause;
    const gapTo = (w: Match<WordTerm>) => (w.end <= m.start ? m.start - w.end : w.start >= m.end ? w.start - m.end : -1);
    let directive: Decided['directive'] = null;
    let valueEnd: number | null = null;

    // A covered name keeps only an account pointer with a value: a warning names no ID, and an ID shown is one to add.
    const negatedName = covered.has(m);
    if (v.kind !== 'mention-only') {
      // Pointer: an ID word + value, a pointer word or colon + value, a phone number, a same-number phrase.
      const ptr = startingFrom(pointers, m.end).find((p) => p.start - m.end <= 1);
      valueEnd = v.kind === 'id' ? valueAfter(text, m.end, true, minId) : null;
      if (valueEnd === null && ptr) {
        const e = valueAfter(text, ptr.end, true, minId);
        if (e !== null) valueEnd = e;
      }
      if (valueEnd === null) valueEnd = valueAfter(text, m.end, false, minId);
      // A pointer a few words on (知乎的官方账号叫「…」) points when a colon or quotes give the value.
      if (valueEnd === null && !strongOnly) {
        const far = startingFrom(pointers, m.end).find((p) => sameClause(p) && tokensBetween(text, m.end, p.start, BEFORE_REACH + 1) <= BEFORE_REACH + 1);
        const e = far ? valueAfter(text, far.end, false, minId) : null;
        if (e !== null) valueEnd = e;
      }
      if (valueEnd !== null) directive = { kind: 'pointer', start: m.end, end: valueEnd, term: ptr?.value.text ?? text.slice(m.end, valueEnd) };
      if (!directive && !negatedName) {
        const candidates = [lastBefore(same, m.start), ...startingFrom(same, m.end)].filter((w): w is Match<WordTerm> => w !== undefined);
        // In the clause, or the sentence for a name that is no everyday word (Call or WeChat, same number: …).
        const s = candidates.find((w) => (strongOnly ? sameClause(w) && gapTo(w) >= 0 && gapTo(w) <= STRONG_GAP : sentenceOf(w.start) === sentence));
        if (s) directive = { kind: 'pointer', start: s.start, end: s.end, term: s.value.text };
      }
      // Direction: a preposition right before the name, a verb in the same sentence (after it, in Chinese).
      if (!negatedName && (!directive || directive.kind === 'pointer')) {
        const p = lastBefore(preps, m.start);
        if (p && sameClause(p) && tokensBetween(text, p.end, m.start, BEFORE_REACH) <= (strongOnly ? 0 : BEFORE_REACH)) {
          const after = startingFrom(verbs, m.end)[0];
          const before = p.value.lang === 'en' ? lastBefore(verbs, p.start) : undefined;
          const verb = [after, before].find((w) => w !== undefined && sentenceOf(w.start) === sentence);
          if (verb && !directive) directive = { kind: 'direction', start: Math.min(p.start, verb.start), end: Math.max(verb.end, m.end), term: `${p.value.text} … ${verb.value.text}` };
        }
      }
      // Call to action: the nearest in the clause (right next to it for an everyday word).
      if (!negatedName && (!directive || (directive.kind === 'pointer' && valueEnd !== null))) {
        let best: Match<WordTerm> | null = null;
        let bestGap = Infinity;
        for (const c of ctaNear(ctas, m)) {
          const g = gapTo(c);
          if (g < 0 || !sameClause(c) || (strongOnly && g > STRONG_GAP)) continue;
          if (g < bestGap || (g === bestGap && best && c.end - c.start > best.end - best.start)) {
            best = c;
            bestGap = g;
          }
        }
        if (best) {
          if (directive) directive = { kind: 'pointer', start: Math.min(best.start, directive.start), end: Math.max(best.end, directive.end), term: directive.term };
          else directive = { kind: 'call-to-action', start: best.start, end: best.end, term: best.value.text };
        }
      }
      // A name used as the verb (WeChat me, QQ us): a call to action by itself.
      if (!directive && !negatedName) {
        const f = overlapping(fused, m)[0];
        if (f) directive = { kind: 'call-to-action', start: f.start, end: f.end, term: f.value.text };
      }
      // Possession: 我们的/官方/our right before the name (not for a generic surface: 我们的小程序正在维护, nor for an
      // everyday word: 我们的西瓜 is a watermelon, whatever else the sentence says).
      if (!directive && !negatedName && !v.weak && !strongOnly) {
        const p = lastBefore(possessives, m.start);
        if (p && sameClause(p) && tokensBetween(text, p.end, m.start, BEFORE_REACH) <= BEFORE_REACH) directive = { kind: 'possession', start: p.start, end: p.end, term: p.value.text };
      }
      // A surface is a place inside the service (朋友圈, 视频号直播, 企业微信): a call to action, a direction verb or a
      // surface verb (发, 推送, 更新) anywhere in its sentence sends users there (新品图都发朋友圈了，记得看).
      if (!directive && !negatedName && v.kind === 'surface' && !v.weak) {
        const inSentence = (w: Match<WordTerm>) => sentenceOf(w.start) === sentence;
        const near = [lastBefore(ctas, m.start), lastBefore(verbs, m.start), lastBefore(surfaceVerbs, m.start), ...startingFrom(ctas, m.end), ...startingFrom(verbs, m.end), ...startingFrom(surfaceVerbs, m.end)];
        const w = near.filter((x): x is Match<WordTerm> => x !== undefined && inSentence(x)).sort((a, b) => Math.abs(a.start - m.start) - Math.abs(b.start - m.start))[0];
        if (w) directive = { kind: 'call-to-action', start: w.start, end: w.end, term: w.value.text };
      }
    }
    // A generic surface (小程序) or an everyday word alone is nothing; a homophone too.
    const result = directive ? 'promotion' : strongOnly || v.weak ? 'nothing' : 'mention';
    const span = directive ? { start: Math.min(m.start, directive.start), end: Math.max(m.end, directive.end) } : { start: m.start, end: m.end };
    decided.push({ match: m, service: v.service, homophone, strongOnly: strongOnly || v.weak, result, why: whyOf(result, v, directive, homophone), directive, span, sentence });
  }
  return { names: decided, words: marked, segments };
}

/** Words of one kind, any inside a longer one of the same kind dropped. */
function longestByKind(words: Array<Match<WordTerm>>): Array<Match<WordTerm>> {
  const byKind = new Map<WordKind, Array<Match<WordTerm>>>();
  for (const w of words) {
    const list = byKind.get(w.value.kind) ?? [];
    list.push(w);
    byKind.set(w.value.kind, list);
  }
  const out: Array<Match<WordTerm>> = [];
  for (const list of byKind.values()) for (const w of longestMatches(list)) out.push(w);
  return out.sort((a, b) => a.end - b.end);
}

/**
 * Matches (sorted by end, starts nearly so: terms are short) overlapping `w`: found by
 * binary search, then a scan bounded by the term lengths.
 */
function overlapping<T>(list: Array<Match<T>>, w: Span): Array<Match<T>> {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.end <= w.start) lo = mid + 1;
    else hi = mid;
  }
  const out: Array<Match<T>> = [];
  for (let k = lo; k < list.length && k < lo + 16; k++) if (list[k]!.start < w.end && w.start < list[k]!.end) out.push(list[k]!);
  return out;
}

/** The first few matches starting at or after `at` (sorted by end). */
function startingFrom<T>(list: Array<Match<T>>, at: number): Array<Match<T>> {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.end <= at) lo = mid + 1;
    else hi = mid;
  }
  const out: Array<Match<T>> = [];
  for (let k = lo; k < list.length && k < lo + 16; k++) if (list[k]!.start >= at) out.push(list[k]!);
  return out.sort((a, b) => a.start - b.start);
}

function lastBefore<T>(list: Array<Match<T>>, at: number): Match<T> | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.end <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? list[lo - 1] : undefined;
}

/** The calls to action that can be nearest to `m`: the last ending before it and the few starting after it. */
function* ctaNear(ctas: Array<Match<WordTerm>>, m: Match<NameTerm>): Generator<Match<WordTerm>> {
  let lo = 0;
  let hi = ctas.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ctas[mid]!.end <= m.start) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0) yield ctas[lo - 1]!;
  // Ends are sorted, starts nearly so: the first few after the name are the candidates.
  for (let k = lo; k < ctas.length && k < lo + 8; k++) if (ctas[k]!.start >= m.end) yield ctas[k]!;
}

function whyOf(result: Decided['result'], v: NameTerm & { kind: 'name' | 'surface' | 'id' | 'mention-only' }, directive: Decided['directive'], homophone: string | null): Localized {
  const what = homophone ? `a homophone of "${homophone}"` : v.kind === 'surface' ? `the surface "${v.text}"` : v.kind === 'id' ? `the ID word "${v.text}"` : `the name "${v.text}"`;
  const whatZh = homophone ? `“${homophone}”的谐音` : v.kind === 'surface' ? `入口“${v.text}”` : v.kind === 'id' ? `账号词“${v.text}”` : `名称“${v.text}”`;
  if (result === 'promotion') {
    const kinds = { 'call-to-action': ['a call to action', '引导语'], direction: ['a direction', '指路'], pointer: ['an account pointer', '账号指向'], possession: ['possession', '归属词'] } as const;
    const [en, zh] = kinds[directive!.kind];
    return { en: `${what} joined to ${en} ("${directive!.term}") in the same sentence`, zh: `${whatZh}在同一句中与${zh}（“${directive!.term}”）相连` };
  }
  if (v.kind === 'mention-only') return { en: `${what} only names the service (a payment or login option)`, zh: `${whatZh}只是提到该服务（支付或登录方式）` };
  if (result === 'mention') return { en: `${what} with no directive in its sentence (or only negated ones)`, zh: `${whatZh}所在句中没有引导（或引导被否定）` };
  return { en: `${what} counts only with a directive right next to it, and has none`, zh: `${whatZh}只有紧挨着引导时才算，此处没有` };
}

function traceOf(text: string, normalized: string, a: Analysis): CompetitorTrace {
  const { sentenceEnds } = a.segments;
  const bySentence = new Map<number, TraceSentence>();
  const sentenceAt = (k: number): TraceSentence => {
    let s = bySentence.get(k);
    if (!s) {
      const start = k === 0 ? 0 : sentenceEnds[k - 1]! + 1;
      const end = k < sentenceEnds.length ? sentenceEnds[k]! + 1 : text.length;
      s = { start, end, text: text.slice(start, end), names: [], directives: [], result: 'nothing', why: { en: 'no competing service named', zh: '没有提到竞品服务' } };
      bySentence.set(k, s);
    }
    return s;
  };
  const part = (kind: string, term: string, start: number, end: number): TracePart => ({ kind, term, start, end, original: text.slice(start, end) });
  for (const d of a.names) {
    const s = sentenceAt(d.sentence);
    const v = d.match.value as NameTerm & { kind: 'name' };
    const name: TraceName = {
      ...part(d.homophone ? 'homophone' : v.kind, d.homophone ?? v.text, d.match.start, d.match.end),
      kind: d.homophone ? 'homophone' : v.kind,
      service: d.service.id,
      needsStrongContext: d.strongOnly,
      result: d.result,
      why: d.why,
    };
    if (d.directive) name.directive = { ...part(d.directive.kind, d.directive.term, d.directive.start, d.directive.end), kind: d.directive.kind };
    s.names.push(name);
    const rank = { nothing: 0, mention: 1, promotion: 2 } as const;
    if (rank[d.result] > rank[s.result] || (s.names.length === 1 && d.result === 'nothing')) {
      s.result = d.result;
      s.why = d.why;
    }
  }
  for (const w of a.words) {
    const k = indexOf(sentenceEnds, w.start);
    const s = bySentence.get(k);
    if (!s) continue;
    const p: TracePart & { negatedBy?: string } = part(w.value.kind, w.value.text, w.start, w.end);
    if (w.negatedBy) p.negatedBy = w.negatedBy;
    s.directives.push(p);
  }
  const sentences = [...bySentence.entries()].sort((x, y) => x[0] - y[0]).map(([, s]) => s);
  const result = sentences.some((s) => s.result === 'promotion') ? 'promotion' : sentences.some((s) => s.result === 'mention') ? 'mention' : 'nothing';
  return { text, normalized, looked: true, sentences, result };
}

function report(text: string, d: Decided, channel: Channel, path: string): Finding {
  const { service, span } = d;
  const quoted = text.slice(span.start, span.end);
  const entry = `${service.file}:${service.line} ${service.id}`;
  const v = d.match.value as NameTerm & { kind: "name" | "surface" | "id" | "mention-only" };
  const label = d.homophone ? `homophone of "${d.homophone}"` : v.kind === 'id' ? `ID word "${v.text}"` : v.kind === 'surface' ? `surface "${v.text}"` : `name "${v.text}"`;
  if (d.result === 'mention') {
    return finding(
      'competitor/mention',
      'warning',
      { en: `Names the competing service ${service.name} ("${quoted}"); make sure the reply does not guide users to it`, zh: `提到竞品服务「${service.nameZh}」（“${quoted}”）；请确认回复没有引导用户使用它` },
      path,
      { span, evidence: { text: quoted, entry, detail: label } },
    );
  }
  const dir = d.directive!;
  const detail = `${label} + ${dir.kind} "${dir.term}"`;
  const exception = service.channelExceptions.find((e) => e.channels.includes(channel));
  if (exception) {
    // The rules allow this service in this channel (WeChat mini-programs in ads): say so, don't block.
    return finding(
      'competitor/promotion',
      'warning',
      { en: `Points users to ${service.name} ("${quoted}"), allowed in ${channel} only as: ${exception.note}`, zh: `引导用户使用「${service.nameZh}」（“${quoted}”），在${CHANNEL_ZH[channel]}渠道仅允许：${exception.noteZh}` },
      path,
      { span, evidence: { text: quoted, entry, detail: `${detail}; channel exception: ${exception.note}` } },
    );
  }
  return finding(
    'competitor/promotion',
    'error',
    { en: `Promotes the competing service ${service.name} ("${quoted}"): ${d.why.en}; replies must not guide users to it`, zh: `引导用户使用竞品服务「${service.nameZh}」（“${quoted}”）：${d.why.zh}，回复中禁止` },
    path,
    { span, evidence: { text: quoted, entry, detail } },
  );
}
