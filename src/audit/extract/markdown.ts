import type { Span } from '../../findings.js';
import { literalMap, type Site } from '../../sites/model.js';

/**
 * Markdown: link and image destinations (`[t](url)`, `![i](src)`, `<https://…>`,
 * `[ref]: url`) are judged as URLs; everything else as text, with those
 * destinations blanked out (same length, so offsets stay true) so a link is not
 * reported twice. A small linear scanner rather than a full CommonMark parser:
 * the audit needs destinations and text, not a document tree.
 */
export function markdownSites(text: string): Site[] {
  const dests = destinations(text);
  const sites: Site[] = [];
  const chars = text.split('');
  for (const d of dests) {
    const raw = text.slice(d.start, d.end);
    if (raw === '' || raw.startsWith('#')) continue;
    const { value, map } = literalMap(raw, 'plain', d.start);
    sites.push({ kind: 'url', value, map });
    for (let k = d.start; k < d.end; k++) chars[k] = ' ';
  }
  const blanked = dests.length > 0 ? chars.join('') : text;
  if (blanked.trim() !== '') {
    const { map } = literalMap(blanked, 'plain', 0);
    sites.push({ kind: 'text', value: blanked, map });
  }
  return sites;
}

/** Plain `.txt` templates: the whole file is text a reader sees. */
export function textSites(text: string): Site[] {
  if (text.trim() === '') return [];
  const { value, map } = literalMap(text, 'plain', 0);
  return [{ kind: 'text', value, map }];
}

function destinations(text: string): Span[] {
  const out: Span[] = [];
  const next = new NextIndex(text);
  let lineStart = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') lineStart = i + 1;
    if (c === ']' && text[i + 1] === '(') {
      const d = inlineDestination(text, i + 2, next);
      if (d) {
        out.push(d);
        i = d.end;
        continue;
      }
    } else if (c === ']' && text[i + 1] === ':' && atLabelLineStart(text, i, lineStart)) {
      let j = i + 2;
      while (text[j] === ' ' || text[j] === '\t') j++;
      const d = bareDestination(text, j);
      if (d) {
        out.push(d);
        i = d.end;
        continue;
      }
    } else if (c === '<') {
      const d = autolink(text, i + 1);
      if (d) {
        out.push(d);
        i = d.end + 1;
        continue;
      }
    }
    i++;
  }
  return out;
}

/** `(dest "title")`: `<…>` or a run without spaces and with balanced parentheses. */
function inlineDestination(text: string, i: number, next: NextIndex): Span | undefined {
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i] === '<') {
    const close = next.of('>', i + 1);
    const nl = next.of('\n', i + 1);
    if (close < 0 || (nl >= 0 && nl < close)) return undefined;
    return { start: i + 1, end: close };
  }
  return bareDestination(text, i);
}

function bareDestination(text: string, i: number): Span | undefined {
  const start = i;
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') break;
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) break;
      depth--;
    }
  }
  return i > start ? { start, end: i } : undefined;
}

/** `<scheme:…>` (CommonMark autolink: scheme of 2–32 chars, no spaces or `<`). */
function autolink(text: string, i: number): Span | undefined {
  const start = i;
  let j = i;
  while (j < text.length && j - start < 33 && /[A-Za-z0-9+.-]/.test(text[j]!)) j++;
  if (text[j] !== ':' || j - start < 2 || !/[A-Za-z]/.test(text[start]!)) return undefined;
  for (j++; j < text.length; j++) {
    const c = text[j]!;
    if (c === '>') return { start, end: j };
    if (c === '<' || c === ' ' || c === '\n' || c === '\t' || c === '\r') return undefined;
  }
  return undefined;
}

/** True when the `]` at `i` closes a `[label]` that starts its line (up to 3 spaces in). */
function atLabelLineStart(text: string, i: number, lineStart: number): boolean {
  // CommonMark labels are under 1000 characters, which also bounds the look-back.
  if (i - lineStart > 1003) return false;
  let k = lineStart;
  while (k < i && k - lineStart < 3 && text[k] === ' ') k++;
  return text[k] === '[' && text.indexOf(']', k) === i;
}

/**
 * `indexOf` for positions that only move forward: remembers the last answer per
 * character, so many unclosed `](<` on one long line stay linear overall.
 */
class NextIndex {
  private readonly last = new Map<string, number>();
  constructor(private readonly text: string) {}
  of(ch: string, from: number): number {
    const known = this.last.get(ch);
    if (known !== undefined && (known >= from || known < 0)) return known;
    const found = this.text.indexOf(ch, from);
    this.last.set(ch, found);
    return found;
  }
}
