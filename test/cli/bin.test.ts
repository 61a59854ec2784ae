import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };

// The README's first command is `npx weibo-guard …` on a fresh clone: npm links the bin
// before `prepare` builds it, so the build itself must leave the file runnable (tsc
// writes 0644, and the shell then answers "Permission denied").
describe('the weibo-guard bin', () => {
  it.skipIf(process.platform === 'win32')('is built executable, with a node shebang', () => {
    const bin = join(root, pkg.bin['weibo-guard']!);
    expect(statSync(bin).mode & 0o111, `${bin} is not executable`).not.toBe(0);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
