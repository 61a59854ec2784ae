import type { Channel } from '../context.js';
import type { Finding, Span } from '../findings.js';
import type { CompiledCompetitorService, CompiledCompetitors } from '../policy/competitors.js';
import { AhoCorasick, type Match } from './aho.js';
import { finding } from './finding.js';
import { CJK, COMPLEX, DROP, FILLER, foldBuffer, foldInto, foldTable, normalizeTerm, originEnd } from './normalize.js';

/**
 * competitor/promotion and competitor/mention. The reply API "mustn't be used to
 * promote or guide the user to any service that competes with Weibo": a competing
 * service joined to a call to action (加微信, 扫码关注公众号, add me on WeChat) or an
 * account ID (微信号：abc123, VX: abc) blocks; a name on its own (微信支付暂不支持)
 * is only a warning. Linear: a buffer-free first look over the text rules out most
 * replies; otherwise one pass folds (src/checks/normalize.ts) and feeds an Aho–Corasick
 * DFA, offsets staying those of the original text, then a scan over the few matches.
 * Distances are counted in original UTF-16 units.
 */

type Term =
  | { kind: 'name'; service: CompiledCompetitorService; text: string; ambiguous: boolean }
  | { kind: 'id'; service: CompiledCompetitorService; text: string }
  | { kind: 'cta'; text: string }
  | { kind: 'negation'; text: string };

/**
 * A call to action right after a negation (请勿添加微信, don't add us on WeChat) warns
 * users off rather than guiding them: those mentions stay warnings. Grammar, not
 * policy data, so it lives here rather than in rules/.
 */
const NEGATIONS = ['勿', '切勿', '请勿', '不要', '别', '禁止', '严禁', '不能', '不可', '谨防', "don't", 'do not', 'never'];
/** How far (UTF-16 units) a negation may sit before the call to action: 请勿 + 随意 + 添加 is still negated. */
const NEGATION_REACH = 3;

export interface CompetitorOptions {
  /** How many characters (UTF-16 units) a call to action may sit from the name, in the same clause. */
  window?: number;
  /** Shortest account ID after `微信号：`. */
  minIdLength?: number;
}

export interface CompetitorChecker {
  /** `skip`: sorted, non-overlapping spans (links) whose text the link rules judge instead. */
  check(text: string, path: string, channel: Channel, skip?: readonly Span[]): Finding[];
}

const ASCII_WORD = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);

/** The folded form of one original code unit (a surrogate or expansion counts as itself). */
function foldedAt(text: string, i: number): number {
  if (i < 0 || i >= text.length) return -1;
  const f = foldTable().fold[text.charCodeAt(i)]!;
  return f === DROP || f === COMPLEX ? text.charCodeAt(i) : f;
}

/** Where a clause ends: a call to action in another clause is not about this name. */
const CLAUSE_END = new Set([...'。！？!?;；，,\n\r｡．'].map((c) => c.charCodeAt(0)));

/** Characters that may sit between an ID word and the ID (`微信号：`, `vx 是`, `wechat id = `). */
const ID_JOINER = new Set([...' :=是为\t\u3000'].map((c) => c.charCodeAt(0)));
const ID_CHAR = (c: number) => ASCII_WORD(c) || c === 0x5f /* _ */ || c === 0x2d /* - */ || c === 0x2b /* + */;

export function compileCompetitorChecker(competitors: CompiledCompetitors, options: CompetitorOptions = {}): CompetitorChecker {
  const window = options.window ?? 8;
  const minId = options.minIdLength ?? 3;
  const terms: Array<[string, Term]> = [];
  for (const service of competitors.services) {
    for (const t of service.terms) terms.push([normalizeTerm(t.normalized), { kind: 'name', service, text: t.text, ambiguous: t.ambiguous }]);
    for (const id of service.idPatterns) terms.push([normalizeTerm(id), { kind: 'id', service, text: id }]);
  }
  let longestCta = 0;
  for (const cta of [...competitors.callsToAction.zh, ...competitors.callsToAction.en]) {
    const normalized = normalizeTerm(cta);
    longestCta = Math.max(longestCta, normalized.length);
    terms.push([normalized, { kind: 'cta', text: cta }]);
  }
  for (const neg of NEGATIONS) terms.push([normalizeTerm(neg), { kind: 'negation', text: neg }]);
  const matcher = new AhoCorasick(terms);

  const buf = foldBuffer();
  /** States where a service name or ID word ends: most replies never reach one. */
  const namesEnd = new Uint8Array(matcher.size);
  for (let s = 0; s < matcher.size; s++) namesEnd[s] = matcher.outputs(s).some(([, v]) => v.kind === 'name' || v.kind === 'id') ? 1 : 0;

  /**
   * Cheapest look, straight over the text with the same folding as foldInto: false
   * only when no service name or ID word can end anywhere, which is most replies.
   * Anything unusual (a surrogate, an NFKC expansion) answers "maybe".
   */
  const mayName = (text: string): boolean => {
    const { fold, flags } = foldTable();
    const n = text.length;
    let node = 0;
    let prevCjk = 0;
    // While nothing was dropped, folded unit k came from text[k]: a hit can be checked for whole words here.
    let oneToOne = true;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const fl = flags[c]!;
      const f = fold[c]!;
      if (f === DROP) {
        oneToOne = false;
        continue;
      }
      if (f === COMPLEX) return true;
      if ((prevCjk & fl) !== 0) {
        let j = i + 1;
        while (j < n && (flags[text.charCodeAt(j)]! & FILLER || fold[text.charCodeAt(j)] === DROP)) j++;
        if (j < n && flags[text.charCodeAt(j)]! & CJK) {
          oneToOne = false;
          i = j - 1;
          continue;
        }
      }
      node = matcher.step(node, f);
      prevCjk = (fl & CJK) >> 1;
      if (!namesEnd[node]) continue;
      if (!oneToOne) return true;
      for (const [length, value] of matcher.outputs(node)) {
        if ((value.kind === 'name' || value.kind === 'id') && onWordBoundary(text, { start: i - length + 1, end: i + 1, value })) return true;
      }
    }
    return false;
  };

  /**
   * First pass, allocation-free: does any service name or ID word occur as a whole
   * word? (`v` and `ks` end inside "have" and "thanks" all the time.)
   */
  const anyName = (text: string, len: number): boolean => {
    const { units, origins } = buf;
    let node = 0;
    for (let pos = 0; pos < len; pos++) {
      node = matcher.step(node, units[pos]!);
      if (!namesEnd[node]) continue;
      for (const [length, value] of matcher.outputs(node)) {
        if (value.kind !== 'name' && value.kind !== 'id') continue;
        if (onWordBoundary(text, { start: origins[pos - length + 1]!, end: originEnd(text, origins[pos]!), value })) return true;
      }
    }
    return false;
  };

  /** Every dictionary match, in end order, with original offsets. */
  const scan = (text: string, len: number): Array<Match<Term>> => {
    const found: Array<Match<Term>> = [];
    const { units, origins } = buf;
    let node = 0;
    for (let pos = 0; pos < len; pos++) {
      node = matcher.step(node, units[pos]!);
      if (node === 0) continue;
      const outs = matcher.outputs(node);
      for (let k = 0; k < outs.length; k++) {
        const [length, value] = outs[k]!;
        found.push({ start: origins[pos - length + 1]!, end: originEnd(text, origins[pos]!), value });
      }
    }
    return found;
  };

  return {
    check(text, path, channel, skip = []) {
      if (!mayName(text)) return [];
      const len = foldInto(text, buf);
      if (!anyName(text, len)) return [];
      const all = scan(text, len);
      const matches = outsideSkipped(all, skip).filter((m) => onWordBoundary(text, m));
      if (!matches.some((m) => m.value.kind === 'name' || m.value.kind === 'id')) return [];
      const negationEnds = new Set<number>();
      for (const m of matches) if (m.value.kind === 'negation') negationEnds.add(m.end);
      const ctas = matches.filter((m) => m.value.kind === 'cta' && !negated(text, m, negationEnds));
      const near = new CtaCursor(text, ctas, window, longestCta);
      const out: Finding[] = [];
      for (const m of longestServiceMatches(matches)) {
        const v = m.value as Extract<Term, { kind: 'name' | 'id' }>;
        const id = idAfter(text, m.end, v.kind === 'id', minId);
        const cta = near.nearest(m);
        const promoted = id !== null || cta !== null;
        // An ambiguous word (`v`, 头条) alone is everyday language, not even a mention.
        if (!promoted && v.kind === 'name' && v.ambiguous) continue;
        const start = Math.min(m.start, cta?.start ?? m.start);
        const end = Math.max(id ?? m.end, cta?.end ?? m.end);
        // With an ID the span covers name + ID; a call to action is then only evidence.
        out.push(report(v.service, text, { start, end }, m, promoted, cta, id !== null, channel, path));
      }
      return out;
    },
  };
}

/** Drops matches inside a skipped span. Both come in end order, so one cursor does it. */
function outsideSkipped(matches: Array<Match<Term>>, skip: readonly Span[]): Array<Match<Term>> {
  if (skip.length === 0) return matches;
  let k = 0;
  return matches.filter((m) => {
    while (k < skip.length && skip[k]!.end < m.end) k++;
    return !(k < skip.length && skip[k]!.start <= m.start);
  });
}

function negated(text: string, cta: Match<Term>, negationEnds: ReadonlySet<number>): boolean {
  if (negationEnds.size === 0) return false;
  for (let at = cta.start; at >= 0 && at >= cta.start - NEGATION_REACH; at--) {
    if (negationEnds.has(at) && sameClause(text, at === 0 ? 0 : at - 1, cta.start)) return true;
  }
  return false;
}

function onWordBoundary(text: string, m: Match<Term>): boolean {
  // Latin terms match whole words only: `line` is not in `online`, `add` not in `address`.
  if (ASCII_WORD(foldedAt(text, m.start)) && ASCII_WORD(foldedAt(text, m.start - 1))) return false;
  if (ASCII_WORD(foldedAt(text, m.end - 1)) && ASCII_WORD(foldedAt(text, m.end))) return false;
  return true;
}

/** No clause end between two nearby offsets. Callers only ask within the window, so this is O(window). */
function sameClause(text: string, a: number, b: number): boolean {
  const from = Math.min(a, b);
  const to = Math.max(a, b);
  for (let i = from; i < to; i++) if (CLAUSE_END.has(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Service names and ID words, with any match inside a longer one dropped (微信 inside
 * 微信支付). Matches arrive in end order, so a stack does it in one pass.
 */
function longestServiceMatches(matches: Array<Match<Term>>): Array<Match<Term>> {
  const kept: Array<Match<Term>> = [];
  for (const m of matches) {
    if (m.value.kind !== 'name' && m.value.kind !== 'id') continue;
    while (kept.length > 0 && kept[kept.length - 1]!.start >= m.start) kept.pop();
    const top = kept[kept.length - 1];
    if (top && top.end > m.start) {
      // Overlap without nesting (加微|微信): an unambiguous name beats an ambiguous one, else the first stays.
      if (isAmbiguous(top) && !isAmbiguous(m)) kept[kept.length - 1] = m;
      continue;
    }
    kept.push(m);
  }
  return kept;
}

const isAmbiguous = (m: Match<Term>) => m.value.kind === 'name' && m.value.ambiguous;

/**
 * The end offset of an account ID right after `at`, or null. After an ID word
 * (微信号) a joiner is optional; after a name (微信) it takes a colon, so 微信支付 or
 * 微信 2024 are not IDs.
 */
function idAfter(text: string, at: number, isIdWord: boolean, minLength: number): number | null {
  let i = at;
  let colon = false;
  while (i < text.length && ID_JOINER.has(foldedAt(text, i))) {
    if (foldedAt(text, i) === 0x3a || foldedAt(text, i) === 0x3d) colon = true;
    i++;
  }
  if (!isIdWord && !colon) return null;
  const start = i;
  while (i < text.length && ID_CHAR(foldedAt(text, i))) i++;
  return i - start >= minLength ? i : null;
}

/**
 * Finds the nearest call to action in the same clause within `window` characters.
 * Names are asked in increasing order, so a cursor that only moves forward keeps the
 * whole scan linear (the calls to action inside one window are bounded).
 */
class CtaCursor {
  private lo = 0;
  constructor(
    private readonly text: string,
    private readonly ctas: Array<Match<Term>>,
    private readonly window: number,
    private readonly longest: number,
  ) {}

  nearest(m: Match<Term>): Match<Term> | null {
    const { ctas, text, window } = this;
    while (this.lo < ctas.length && ctas[this.lo]!.end < m.start - window) this.lo++;
    let best: Match<Term> | null = null;
    let bestGap = Infinity;
    for (let k = this.lo; k < ctas.length; k++) {
      const c = ctas[k]!;
      if (c.start > m.end + window) {
        // Ends are sorted, starts nearly so: stop once even the longest term could not reach back.
        if (c.end - this.longest > m.end + window) break;
        continue;
      }
      if (c.end > m.start && c.start < m.end) continue; // overlaps the name itself
      const gap = c.end <= m.start ? m.start - c.end : c.start - m.end;
      if (gap > window || !sameClause(text, c.start, m.start)) continue;
      // At equal distance the longer phrase (搜索 over 搜) is the better evidence.
      if (gap < bestGap || (gap === bestGap && best && c.end - c.start > best.end - best.start)) {
        best = c;
        bestGap = gap;
      }
    }
    return best;
  }
}

function report(
  service: CompiledCompetitorService,
  text: string,
  span: Span,
  name: Match<Term>,
  promoted: boolean,
  cta: Match<Term> | null,
  hasId: boolean,
  channel: Channel,
  path: string,
): Finding {
  const quoted = text.slice(span.start, span.end);
  const entry = `${service.file}:${service.line} ${service.id}`;
  if (!promoted) {
    return finding(
      'competitor/mention',
      'warning',
      { en: `Names the competing service ${service.name} ("${quoted}"); make sure the reply does not guide users to it`, zh: `提到竞品服务「${service.name}」（“${quoted}”）；请确认回复没有引导用户使用它` },
      path,
      { span, evidence: { text: quoted, entry, detail: `${name.value.kind === 'id' ? 'ID word' : 'name'} "${name.value.text}"` } },
    );
  }
  const why = hasId ? 'an account ID' : `the call to action "${cta!.value.text}"`;
  const whyZh = hasId ? '账号' : `引导语“${cta!.value.text}”`;
  const exception = service.channelExceptions.find((e) => e.channels.includes(channel));
  const detail = `${name.value.kind === 'id' ? 'ID word' : 'name'} "${name.value.text}" + ${hasId ? 'account ID' : `call to action "${cta!.value.text}"`}`;
  if (exception) {
    // The rules allow this service in this channel (WeChat mini-programs in ads): say so, don't block.
    return finding(
      'competitor/promotion',
      'warning',
      { en: `Points users to ${service.name} ("${quoted}"), allowed in ${channel} only as: ${exception.note}`, zh: `引导用户使用「${service.name}」（“${quoted}”），在 ${channel} 渠道仅允许：${exception.note}` },
      path,
      { span, evidence: { text: quoted, entry, detail: `${detail}; channel exception: ${exception.note}` } },
    );
  }
  return finding(
    'competitor/promotion',
    'error',
    { en: `Promotes the competing service ${service.name} ("${quoted}") with ${why}; replies must not guide users to it`, zh: `用${whyZh}引导用户使用竞品服务「${service.name}」（“${quoted}”），回复中禁止` },
    path,
    { span, evidence: { text: quoted, entry, detail } },
  );
}
