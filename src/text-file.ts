import { closeSync, fstatSync, openSync, readSync, statSync, constants } from 'node:fs';

/** Why a text file could not be read; `code` is an errno code or one of ours. */
export class TextFileError extends Error {
  override name = 'TextFileError';
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ReadTextOptions {
  /** Refuse files larger than this (bytes). */
  maxBytes: number;
}

/**
 * Reads a regular file as strict UTF-8, up to a size cap. A FIFO or a device is refused
 * before it is opened (opening a FIFO waits for a writer; `/dev/zero` never ends), a file
 * larger than the cap is refused without being read, and bytes that are not UTF-8 are an
 * error instead of turning into U+FFFD. A leading byte-order mark is dropped.
 */
export function readTextFile(path: string, { maxBytes }: ReadTextOptions): string {
  let fd: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new TextFileError(path, 'EISDIR', 'cannot read the file: it is a folder');
    if (!st.isFile()) throw new TextFileError(path, 'ENOTREG', 'cannot read the file: it is not a regular file (a pipe, a socket or a device)');
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    if (err instanceof TextFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new TextFileError(path, code, `cannot read the file (${code})`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw new TextFileError(path, 'ETOOBIG', `cannot read the file: it is ${size} bytes, more than the ${maxBytes} allowed`);
    // One byte more than the cap: a file that grew since fstat is still refused, never read without end.
    const buf = Buffer.allocUnsafe(Math.min(size, maxBytes) + 1);
    let got = 0;
    for (let n; got < buf.length && (n = readSync(fd, buf, got, buf.length - got, null)) > 0; ) got += n;
    if (got > maxBytes) throw new TextFileError(path, 'ETOOBIG', `cannot read the file: it is more than the ${maxBytes} bytes allowed`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, got));
    } catch {
      throw new TextFileError(path, 'EILSEQ', `cannot read the file: it is not valid UTF-8 (byte ${firstInvalidByte(buf.subarray(0, got))})`);
    }
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (err) {
    if (err instanceof TextFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new TextFileError(path, code, `cannot read the file (${code})`);
  } finally {
    closeSync(fd);
  }
}

/** Offset of the first byte that starts a malformed UTF-8 sequence, for an error that says where. */
export function firstInvalidByte(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const more = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (more < 0) return i;
    // The second byte is narrower after E0, ED, F0 and F4 (no overlongs, no surrogates, nothing past U+10FFFF).
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= more; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += more + 1;
  }
  return b.length;
}
