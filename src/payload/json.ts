/**
 * JSON text → value without losing int64 digits. JSON.parse turns 1234567890123456789
 * into 1234567890123456800, and Node 20's reviver has no access to the source text, so
 * we scan the raw text once (linear, strings skipped) for integer literals beyond
 * 2^53 and hand them to JSON.parse as marked strings, which the reviver turns into
 * bigint. A bigint where the schema wants a string or number is then refused by the
 * schema, never silently converted.
 */

export type JsonResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Any run of 16 digits: the cheap test that lets ordinary input skip the scan. */
const LONG_DIGITS = /\d{16}/;
const MARK = '\u0000int64:';

export function parseJsonExact(text: string): JsonResult {
  const exact = LONG_DIGITS.test(text) ? markUnsafeIntegers(text) : null;
  try {
    if (exact === null) return { ok: true, value: JSON.parse(text) };
    return { ok: true, value: JSON.parse(exact, reviveInt64) };
  } catch (err) {
    // Report the error against the original text, whose positions the user can see.
    try {
      JSON.parse(text);
    } catch (original) {
      return { ok: false, message: (original as Error).message };
    }
    return { ok: false, message: (err as Error).message };
  }
}

function reviveInt64(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.startsWith(MARK) ? BigInt(value.slice(MARK.length)) : value;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Rewrites unsafe integer literals outside strings as `"\u0000int64:<digits>"`. */
export function markUnsafeIntegers(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i += 2;
        else if (d === 34) break;
        else i++;
      }
      i++;
      continue;
    }
    if (c === 45 /* - */ || isDigit(c)) {
      const start = i;
      i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      const next = text.charCodeAt(i);
      const first = c === 45 ? start + 1 : start;
      // A leading zero is invalid JSON: leave it for JSON.parse to refuse.
      const isInteger = text.charCodeAt(first) !== 48 && !(next === 46 /* . */ || next === 101 /* e */ || next === 69 /* E */);
      if (isInteger && i - first >= 16 && !Number.isSafeInteger(Number(text.slice(start, i)))) {
        out += `${text.slice(copied, start)}"\\u0000int64:${text.slice(start, i)}"`;
        copied = i;
      }
      // Skip the rest of a non-integer number literal.
      while (i < n && /[0-9.eE+-]/.test(text[i]!)) i++;
      continue;
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
