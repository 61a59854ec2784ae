import { isUtf8 } from 'node:buffer';
import { firstInvalidByte } from '../text-file.js';

/** 1-based line and column (UTF-16 units, as the gate's positions) of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line++;
    start = nl + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * Bytes as strict UTF-8, or the offset of the first byte that is not: a message whose
 * bytes turned into U+FFFD would be judged on text nobody wrote.
 */
export function decodeUtf8(buf: Buffer): { ok: true; text: string } | { ok: false; byte: number } {
  return isUtf8(buf) ? { ok: true, text: buf.toString('utf8') } : { ok: false, byte: firstInvalidByte(buf) };
}

const isWs = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isHex = (c: number) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/**
 * Offset of the first character that makes `text` not JSON (RFC 8259), or its length
 * when the text ends too early. Node 20's JSON.parse says where only for some errors
 * ("Unexpected token '}', … is not valid JSON" has no position), so the CLI finds the
 * place itself to name file:line:column. One pass, no recursion: nesting depth costs
 * one stack entry per level.
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  const stack: number[] = [];
  let i = 0;
  const ws = () => {
    while (i < n && isWs(text.charCodeAt(i))) i++;
  };
  /** At a quote: past the string, or false with `i` at the bad character. */
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 92) {
        const e = text.charCodeAt(i + 1);
        if (e === 117) {
          for (let k = 2; k <= 5; k++) {
            if (!isHex(text.charCodeAt(i + k))) {
              i = Math.min(i + k, n);
              return false;
            }
          }
          i += 6;
        } else if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) i += 2;
        else {
          i = Math.min(i + 1, n);
          return false;
        }
        continue;
      }
      i++;
    }
    return false;
  };
  const digits = (): boolean => {
    if (!isDigit(text.charCodeAt(i))) return false;
    while (isDigit(text.charCodeAt(i))) i++;
    return true;
  };
  const number = (): boolean => {
    if (text.charCodeAt(i) === 45) i++;
    if (text.charCodeAt(i) === 48) i++;
    else if (!digits()) return false;
    if (text.charCodeAt(i) === 46) {
      i++;
      if (!digits()) return false;
    }
    const e = text.charCodeAt(i);
    if (e === 101 || e === 69) {
      i++;
      const s = text.charCodeAt(i);
      if (s === 43 || s === 45) i++;
      if (!digits()) return false;
    }
    return true;
  };
  const literal = (word: string): boolean => {
    for (let k = 0; k < word.length; k++, i++) if (text.charCodeAt(i) !== word.charCodeAt(k)) return false;
    return true;
  };
  // value → after → (',' → value | key) | close → after …
  let want: 'value' | 'key' = 'value';
  for (;;) {
    ws();
    if (i >= n) return n;
    if (want === 'key') {
      if (text.charCodeAt(i) !== 34 || !string()) return Math.min(i, n);
      ws();
      if (text.charCodeAt(i) !== 58) return Math.min(i, n);
      i++;
      want = 'value';
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) {
      i++;
      ws();
      if (text.charCodeAt(i) === (c === 123 ? 125 : 93)) i++;
      else {
        stack.push(c);
        want = c === 123 ? 'key' : 'value';
        continue;
      }
    } else if (c === 34) {
      if (!string()) return Math.min(i, n);
    } else if (c === 45 || isDigit(c)) {
      if (!number()) return Math.min(i, n);
    } else if (c === 116 || c === 102 || c === 110) {
      if (!literal(c === 116 ? 'true' : c === 102 ? 'false' : 'null')) return Math.min(i, n);
    } else return i;
    // After a value: a separator, a closer, or the end.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return i;
      if (i >= n) return n;
      const d = text.charCodeAt(i);
      if (d === 44) {
        i++;
        want = top === 123 ? 'key' : 'value';
        break;
      }
      if (d === (top === 123 ? 125 : 93)) {
        i++;
        stack.pop();
        continue;
      }
      return i;
    }
  }
}
