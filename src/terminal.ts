import type { Span } from './findings.js';
import { isWide } from './payload/units.js';

// Text made fit for a terminal, for every front door that prints there (the CLI's
// verdicts and the audit's stylish report): counts, columns, escapes, underlines.

/** `1 error`, `2 errors`: every summary line counts this way. */
export const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Terminal columns `s` takes: CJK and other wide characters are drawn two columns wide. */
function columns(s: string): number {
  let n = 0;
  for (const ch of s) n += isWide(ch.codePointAt(0)!) ? 2 : 1;
  return n;
}

/**
 * What a terminal would act on instead of drawing: C0 and C1 controls (ESC starts colour
 * and cursor sequences, U+009B is a one-byte CSI), DEL, and the bidi controls that
 * reorder what follows (the "Trojan Source" trick).
 */
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A name or message made safe to print: each unsafe character written as its escape (`\x1B`, `\u202E`). */
export const forTerminal = (s: string): string =>
  s.replace(TERMINAL_UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${n.toString(16).toUpperCase()}`;
  });

/** Inside an underlined excerpt every character must stay one column: show unsafe ones as symbols. */
const visible = (s: string) => s.replace(TERMINAL_UNSAFE, (c) => (c === '\n' ? '⏎' : c === '\t' ? '⇥' : '·'));

/** A span of text marked for a terminal: the text before, in and after it, and the caret line under it. */
export interface MarkedSpan {
  before: string;
  marked: string;
  after: string;
  /** Spaces up to the span, then one caret per column of it (at least one). */
  carets: string;
}

/**
 * `source` around `span`, made safe for a terminal and cut to about `context`
 * characters either side (the whole text by default), with a long span cut in the
 * middle so the line stays readable. The one place the underline is computed: the
 * check/explain output and the audit's stylish report both draw with it.
 */
export function markSpan(source: string, span: Span, context = Infinity): MarkedSpan {
  const start = Math.max(0, Math.min(span.start, source.length));
  const end = Math.max(start, Math.min(span.end, source.length));
  const from = Math.max(0, start - context);
  const to = Math.min(source.length, end + context);
  const inner = end - start > context * 2 ? `${source.slice(start, start + context)}…${source.slice(end - context, end)}` : source.slice(start, end);
  const before = (from > 0 ? '…' : '') + visible(source.slice(from, start));
  const marked = visible(inner);
  const after = visible(source.slice(end, to)) + (to < source.length ? '…' : '');
  return { before, marked, after, carets: ' '.repeat(columns(before)) + '^'.repeat(Math.max(1, columns(marked))) };
}
