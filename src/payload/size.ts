/**
 * How big a message is, for the size refusal that comes before any parsing or link
 * scan: UTF-8 bytes of the text as given, or for a parsed message the bytes its JSON
 * would take (strings and keys in UTF-8 plus quotes, numbers and punctuation counted
 * short), counted without serializing it. Counting stops as soon as the limit is
 * passed, so even a cyclic object ends.
 */

/**
 * Null when `message` takes at most `max` bytes; else its size: exact for text, and
 * for an object the count at which counting stopped (a lower bound, more than `max`).
 */
export function oversize(message: unknown, max: number): number | null {
  if (typeof message === 'string') {
    // A UTF-16 unit is one to three UTF-8 bytes.
    if (message.length * 3 <= max) return null;
    const bytes = Buffer.byteLength(message, 'utf8');
    return bytes > max ? bytes : null;
  }
  // Three bytes a unit is an upper bound that needs no encoding; exact bytes only when that bound does not fit.
  if (count(message, { left: max, exact: false })) return null;
  const exact = { left: max, exact: true };
  return count(message, exact) ? null : max - exact.left;
}

interface Counter {
  left: number;
  exact: boolean;
}

const stringBytes = (s: string, c: Counter): number => (c.exact ? Buffer.byteLength(s, 'utf8') : s.length * 3) + 2;

/** Subtracts the value's size from `c.left`; false once it goes below zero. */
function count(value: unknown, c: Counter): boolean {
  if (typeof value === 'string') {
    // Past the limit in UTF-16 units is past it in bytes: no need to encode a huge string.
    c.left -= value.length > c.left ? value.length : stringBytes(value, c);
    return c.left >= 0;
  }
  if (typeof value !== 'object' || value === null) {
    c.left -= 8;
    return c.left >= 0;
  }
  if (Array.isArray(value)) {
    for (const v of value) if (!count(v, c)) return false;
    c.left -= 2;
    return c.left >= 0;
  }
  for (const key in value) {
    c.left -= stringBytes(key, c) + 1;
    if (c.left < 0 || !count((value as Record<string, unknown>)[key], c)) return false;
  }
  c.left -= 2;
  return c.left >= 0;
}
