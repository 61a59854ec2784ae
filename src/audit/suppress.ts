import { own, type Placed, type Range } from './targets.js';

const MARKER = 'weibo-guard-disable-next-line';

export interface Directive {
  /** The comment's range in the file. */
  range: Range;
  /** 0-based index of the line the comment is on; it silences findings starting on the next line. */
  lineIndex: number;
  /** Rule ids; empty means every rule. */
  rules: string[];
  reason: string;
  used: boolean;
}

/**
 * `// weibo-guard-disable-next-line <rule>[, <rule>…] -- <reason>` (or in a block
 * comment) in TS/JS sources. One pass with indexOf; a directive must open its
 * comment, and `isComment` (the parser's comment positions) rules out a marker
 * that only looks like one inside a string.
 */
export function parseDirectives(text: string, lineOf: (offset: number) => number, isComment: (start: number) => boolean = () => true): Directive[] {
  const out: Directive[] = [];
  for (let at = text.indexOf(MARKER); at >= 0; at = text.indexOf(MARKER, at + MARKER.length)) {
    let k = at - 1;
    while (k >= 0 && (text[k] === ' ' || text[k] === '\t')) k--;
    const block = text[k] === '*' && text[k - 1] === '/';
    if (!(block || (text[k] === '/' && text[k - 1] === '/'))) continue;
    const commentStart = k - 1;
    if (!isComment(commentStart)) continue;
    let end = at + MARKER.length;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r' && !(block && text[end] === '*' && text[end + 1] === '/')) end++;
    const body = text.slice(at + MARKER.length, end);
    if (block && text[end] === '*') end += 2;
    const sep = body.indexOf('--');
    const rulePart = sep >= 0 ? body.slice(0, sep) : body;
    const reason = sep >= 0 ? body.slice(sep + 2).trim() : '';
    const rules = rulePart
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter((r) => r !== '');
    out.push({ range: { start: commentStart, end }, lineIndex: lineOf(end), rules, reason, used: false });
  }
  return out;
}

/**
 * Drops findings a directive with a reason silences; reports directives without a
 * reason (they silence nothing) and directives that silenced nothing.
 */
export function applyDirectives(
  placed: Placed[],
  directives: Directive[],
  lineOf: (offset: number) => number,
): { kept: Placed[]; suppressed: number } {
  if (directives.length === 0) return { kept: placed, suppressed: 0 };
  const byLine = new Map<number, Directive[]>();
  for (const d of directives) if (d.reason !== '') byLine.set(d.lineIndex + 1, [...(byLine.get(d.lineIndex + 1) ?? []), d]);
  const kept: Placed[] = [];
  let suppressed = 0;
  for (const p of placed) {
    const ds = byLine.get(lineOf(p.range.start));
    const d = ds?.find((x) => x.rules.length === 0 || x.rules.includes(p.rule));
    if (d) {
      d.used = true;
      suppressed++;
    } else kept.push(p);
  }
  for (const d of directives) {
    if (d.reason === '') {
      kept.push(
        own(
          'audit/suppression-without-reason',
          'error',
          `A suppression needs a reason: write \`${MARKER} ${d.rules.join(', ') || '<rule>'} -- <why this is acceptable>\`. Without one it suppresses nothing.`,
          `屏蔽注释必须写明理由：\`${MARKER} ${d.rules.join(', ') || '<规则>'} -- <理由>\`。没有理由的屏蔽不生效。`,
          d.range,
        ),
      );
    } else if (!d.used) {
      kept.push(
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
  return { kept, suppressed };
}
