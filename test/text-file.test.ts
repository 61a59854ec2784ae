import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInvalidByte, readTextFile } from '../src/text-file.js';
import { loadPolicy } from '../src/policy/index.js';

const dir = mkdtempSync(join(tmpdir(), 'wg-text-'));
const read = (path: string, maxBytes = 1024) => {
  try {
    return readTextFile(path, { maxBytes });
  } catch (err) {
    return `${(err as { code: string }).code}: ${(err as Error).message}`;
  }
};

describe('readTextFile', () => {
  it('reads a regular UTF-8 file, without its byte-order mark', () => {
    writeFileSync(join(dir, 'ok.yaml'), '\ufeffaccount: enterprise # 企业\n');
    expect(read(join(dir, 'ok.yaml'))).toBe('account: enterprise # 企业\n');
  });

  it('refuses what is not a regular file before opening it: a FIFO would wait for a writer, /dev/zero never ends', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(read(fifo)).toBe('ENOTREG: cannot read the file: it is not a regular file (a pipe, a socket or a device)');
    expect(read('/dev/zero')).toBe('ENOTREG: cannot read the file: it is not a regular file (a pipe, a socket or a device)');
    expect(read(dir)).toBe('EISDIR: cannot read the file: it is a folder');
    expect(read(join(dir, 'missing'))).toBe('ENOENT: cannot read the file (ENOENT)');
  });

  it('refuses a file over the cap without reading it', () => {
    writeFileSync(join(dir, 'big'), 'x'.repeat(2000));
    expect(read(join(dir, 'big'))).toBe('ETOOBIG: cannot read the file: it is 2000 bytes, more than the 1024 allowed');
  });

  it('refuses bytes that are not UTF-8 instead of turning them into U+FFFD, naming the byte', () => {
    writeFileSync(join(dir, 'latin1'), Buffer.from([0x61, 0x3a, 0x20, 0xe4, 0xb8, 0xad, 0xe9, 0x0a]));
    expect(read(join(dir, 'latin1'))).toBe('EILSEQ: cannot read the file: it is not valid UTF-8 (byte 6)');
  });

  it('firstInvalidByte agrees with the WHATWG decoder on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        const at = firstInvalidByte(bytes);
        const decodes = (b: Uint8Array) => {
          try {
            new TextDecoder('utf-8', { fatal: true }).decode(b);
            return true;
          } catch {
            return false;
          }
        };
        expect(decodes(bytes)).toBe(at === bytes.length);
        expect(decodes(bytes.subarray(0, at))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('loadPolicy names a config that is a FIFO or too big, never hangs or reads without end', () => {
    const fifo = join(dir, 'weibo-guard.config.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(() => loadPolicy({ cwd: dir, config: 'weibo-guard.config.yaml' })).toThrow('weibo-guard.config.yaml: cannot read the file: it is not a regular file');
    expect(() => loadPolicy({ cwd: dir, config: '/dev/zero' })).toThrow(/cannot read the file: it is not a regular file/);
  });
});
