import type { Span } from '../findings.js';
import ignore, { type Ignore } from 'ignore';
import { own, type Placed } from './model.js';

/**
 * What a project said not to report, applied the same way by every front door: the
 * config's `ignore` entries (gitignore patterns relative to the project root; without a
 * rule a file is skipped, with a rule that rule's findings are dropped in it) and
 * `weibo-guard-disable-next-line <rule>[, <rule>…] -- <reason>` comments in JS/TS
 * sources. A directive is read only from a comment the reader's parser found, never
 * from text that merely looks like one inside a string.
 */

export const MARKER = 'weibo-guard-disable-next-line';

export interface Directive {
  /** The comment's range in the file. */
  range: Span;
  /** 0-based index of the line the comment ends on; it silences findings starting on the next line. */
  lineIndex: number;
  /** Rule ids; empty means every rule. */
  rules: string[];
  reason: string;
  used: boolean;
}

/**
 * The directives among `comments` (each a comment's full range, `//…` or `/*…*\/`, as
 * the file's parser reports it). A directive must open its comment.
 */
export function parseDirectives(text: string, comments: Iterable<Span>, lineOf: (offset: number) => number): Directive[] {
  const out: Directive[] = [];
  for (const c of comments) {
    const block = text.startsWith('/*', c.start);
    if (!block && !text.startsWith('//', c.start)) continue;
    let at = c.start + 2;
    while (at < c.end && (text[at] === ' ' || text[at] === '\t')) at++;
    if (!text.startsWith(MARKER, at)) continue;
    let end = at + MARKER.length;
    while (end < c.end && text[end] !== '\n' && text[end] !== '\r' && !(block && text[end] === '*' && text[end + 1] === '/')) end++;
    const body = text.slice(at + MARKER.length, end);
    if (block && text[end] === '*') end += 2;
    const sep = body.indexOf('--');
    const rulePart = sep >= 0 ? body.slice(0, sep) : body;
    const reason = sep >= 0 ? body.slice(sep + 2).trim() : '';
    const rules = rulePart
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter((r) => r !== '');
    out.push({ range: { start: c.start, end }, lineIndex: lineOf(end), rules, reason, used: false });
  }
  return out;
}

/** The config's `ignore` entries, compiled once per loaded policy. */
export class Ignores {
  private readonly files: Ignore;
  private readonly byRule: Array<{ rule: string; reason: string; match: Ignore }>;
  readonly empty: boolean;
  constructor(entries: ReadonlyArray<{ path: string; rule?: string | undefined; reason?: string | undefined }>) {
    this.empty = entries.length === 0;
    this.files = ignore().add(entries.filter((e) => !e.rule).map((e) => e.path));
    this.byRule = entries.filter((e) => e.rule).map((e) => ({ rule: e.rule!, reason: e.reason ?? '', match: ignore().add(e.path) }));
  }
  /** True when the file (relative to the project root, `/`-separated) is not checked at all. */
  skips(rel: string): boolean {
    return !this.empty && inside(rel) && this.files.ignores(rel);
  }
  /** Rules whose findings are dropped in this file, each with the reason its entry gives. */
  rulesDropped(rel: string): ReadonlyMap<string, string> {
    const out = new Map<string, string>();
    if (this.empty || !inside(rel)) return out;
    for (const i of this.byRule) if (i.match.ignores(rel) && !out.has(i.rule)) out.set(i.rule, i.reason);
    return out;
  }
}

/** `ignore` only takes paths inside the root; files outside it match no pattern. */
function inside(rel: string): boolean {
  return rel !== '' && !rel.startsWith('../') && !rel.startsWith('/') && !/^[A-Za-z]:/.test(rel);
}

/**
 * One file's filter: the rules its config drops and its directives. `silenced` marks
 * the directive that matched as used; `leftovers` reports directives without a reason
 * (they silence nothing) and directives that silenced nothing.
 */
/** Why a finding was not reported: a directive in the source, or an `ignore` entry of the config. */
export interface Suppression {
  by: 'comment' | 'config';
  reason: string;
}

export class FileFilter {
  private readonly byLine = new Map<number, Directive[]>();
  constructor(
    private readonly dropped: ReadonlyMap<string, string>,
    private readonly directives: Directive[],
    private readonly lineOf: (offset: number) => number,
  ) {
    for (const d of directives) {
      if (d.reason === '') continue;
      const list = this.byLine.get(d.lineIndex + 1);
      if (list) list.push(d);
      else this.byLine.set(d.lineIndex + 1, [d]);
    }
  }

  /** Why the finding of `rule` starting at file offset `start` is not reported, or null when it is. */
  silenced(rule: string, start: number): Suppression | null {
    if (this.byLine.size > 0) {
      const d = this.byLine.get(this.lineOf(start))?.find((x) => x.rules.length === 0 || x.rules.includes(rule));
      if (d) {
        d.used = true;
        return { by: 'comment', reason: d.reason };
      }
    }
    return this.drops(rule);
  }

  /** The config's suppression of this rule's findings in this file, or null. */
  drops(rule: string): Suppression | null {
    const reason = this.dropped.get(rule);
    return reason === undefined ? null : { by: 'config', reason };
  }

  /** What the directives themselves deserve, once every finding has been offered to `silenced`. */
  leftovers(): Placed[] {
    const out: Placed[] = [];
    for (const d of this.directives) {
      if (d.reason === '') {
        out.push(
          own(
            'audit/suppression-without-reason',
            'error',
            `A suppression needs a reason: write \`${MARKER} ${d.rules.join(', ') || '<rule>'} -- <why this is acceptable>\`. Without one it suppresses nothing.`,
            `屏蔽注释必须写明理由：\`${MARKER} ${d.rules.join(', ') || '<规则>'} -- <理由>\`。没有理由的屏蔽不生效。`,
            d.range,
          ),
        );
      } else if (!d.used) {
        out.push(
          own(
            'audit/unused-suppression',
            'warning',
            `This suppression${d.rules.length ? ` of ${d.rules.join(', ')}` : ''} matches no finding on the next line; remove it.`,
            `此屏蔽注释${d.rules.length ? `（${d.rules.join('、')}）` : ''}在下一行没有匹配的问题，请删除。`,
            d.range,
          ),
        );
      }
    }
    return out;
  }
}
