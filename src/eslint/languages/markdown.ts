import type { Span } from '../../findings.js';
import { alignMarkdown, decodeDestination } from '../markdown-text.js';
import { shift, tracedMap, type StringSite } from '../../sites/model.js';
import type { Sink, SourceLike, Visitors } from './shared.js';

/** The mdast shapes read here (@eslint/markdown). */
interface MdNode {
  type: string;
  position: { start: { offset: number }; end: { offset: number } };
  value?: string;
  url?: string;
  children?: MdNode[];
}

function rangeOf(node: MdNode): Span {
  return { start: node.position.start.offset, end: node.position.end.offset };
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * Index just past the `]` that closes the label opening at `open` (a `[`), honouring
 * backslash escapes and nested brackets, or -1.
 */
function labelEnd(text: string, open: number, limit: number): number {
  let depth = 0;
  for (let i = open; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 91) depth++;
    else if (c === 93 && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * The destination as written, from `from` (just after `(` or `]:`) within `limit`:
 * `<…>` or a run without spaces and with balanced parentheses (CommonMark §6.3).
 */
function destinationAt(text: string, from: number, limit: number): Span | null {
  let i = from;
  while (i < limit && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 60 /* < */) {
    for (let j = i + 1; j < limit; j++) {
      const c = text.charCodeAt(j);
      if (c === 92) j++;
      else if (c === 62) return { start: i + 1, end: j };
      else if (c === 10 || c === 13) return null;
    }
    return null;
  }
  let depth = 0;
  let j = i;
  for (; j < limit; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) {
      j++;
      continue;
    }
    if (isSpace(c) || c < 32) break;
    if (c === 40) depth++;
    else if (c === 41 && depth-- === 0) break;
  }
  return j > i ? { start: i, end: Math.min(j, limit) } : null;
}

/** Where a link, image or definition's destination was written. */
function destinationRange(text: string, node: MdNode): Span | null {
  const { start, end } = rangeOf(node);
  if (node.type === 'link' && text.charCodeAt(start) === 60) return { start: start + 1, end: end - 1 }; // <autolink>
  if (node.type === 'link' && text.charCodeAt(start) !== 91) return { start, end }; // GFM bare URL
  const open = node.type === 'image' ? start + 1 : start;
  // Link text may hold code spans with brackets: start after its last child.
  const lastChild = node.type === 'link' ? node.children?.at(-1) : undefined;
  const after = lastChild ? text.indexOf(']', lastChild.position.end.offset) + 1 : labelEnd(text, open, end);
  if (after <= 0) return null;
  if (node.type === 'definition') return text.charCodeAt(after) === 58 /* : */ ? destinationAt(text, after + 1, end) : null;
  return text.charCodeAt(after) === 40 /* ( */ ? destinationAt(text, after + 1, end) : null;
}

function destinationSite(source: SourceLike, node: MdNode): StringSite | null {
  if (typeof node.url !== 'string' || node.url === '') return null;
  const dest = destinationRange(source.text, node);
  if (dest) {
    const decoded = decodeDestination(source.text.slice(dest.start, dest.end));
    if (decoded) return { kind: 'url', value: decoded.value, map: tracedMap(decoded.value.length, dest, () => shift(decoded.offsets, dest.start)) };
  }
  // The parser's URL is normalised (percent-encoded); judge it, point at the whole link.
  return { kind: 'url', value: node.url, map: tracedMap(node.url.length, dest ?? rangeOf(node), () => null) };
}

function textSite(source: SourceLike, node: MdNode): StringSite | null {
  if (typeof node.value !== 'string' || node.value === '') return null;
  const range = rangeOf(node);
  const value = node.value;
  return {
    kind: 'text',
    value,
    map: tracedMap(value.length, range, () => {
      const at = alignMarkdown(source.text.slice(range.start, range.end), value);
      return at ? shift(at, range.start) : null;
    }),
  };
}

function isAutolink(text: string, node: MdNode): boolean {
  return node.type === 'link' && text.charCodeAt(node.position.start.offset) !== 91 /* [ */;
}

/** A fenced block's info string (```` ```js ````) is not code: align from the line after it. */
function codeSite(source: SourceLike, node: MdNode): StringSite | null {
  if (typeof node.value !== 'string' || node.value.trim() === '') return null;
  const { start, end } = rangeOf(node);
  const first = source.text.charCodeAt(start);
  const body = first === 96 || first === 126 ? source.text.indexOf('\n', start) + 1 : start;
  const from = body > 0 && body <= end ? body : start;
  const value = node.value;
  return {
    kind: 'text',
    value,
    map: tracedMap(value.length, { start, end }, () => {
      const at = alignMarkdown(source.text.slice(from, end), value);
      return at ? shift(at, from) : null;
    }),
  };
}

/**
 * Markdown via @eslint/markdown: link, image and definition destinations are judged as
 * URLs; everything a reader sees (text, link text, code, raw HTML) as free text — the
 * same split the audit makes.
 */
export function markdownVisitors(source: SourceLike, sink: Sink): Visitors {
  /** Text that is its link's destination (`<https://…>`, a GFM bare URL) is judged once, as the URL. */
  const destinationText = new Set<MdNode>();
  const url = (node: MdNode) => {
    if (isAutolink(source.text, node)) for (const child of node.children ?? []) destinationText.add(child);
    const site = destinationSite(source, node);
    if (site) sink.string(site);
  };
  const text = (node: MdNode) => {
    if (destinationText.has(node)) return;
    const site = textSite(source, node);
    if (site && site.value.trim() !== '') sink.string(site);
  };
  const code = (node: MdNode) => {
    const site = codeSite(source, node);
    if (site) sink.string(site);
  };
  return { link: url, image: url, definition: url, text, html: text, inlineCode: text, code } as Visitors;
}
