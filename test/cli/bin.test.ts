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

describe('the package', () => {
  const full = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown> & { files: string[]; license: string };

  it('says where it lives, under which licence, and ships both files', () => {
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    expect(full.license).toBe('MIT');
    for (const key of ['repository', 'homepage', 'bugs']) expect(full[key], key).toBeTruthy();
    expect(full.files).toEqual(expect.arrayContaining(['dist', 'rules', 'whitelist', 'README.md', 'LICENSE', 'CHANGELOG.md']));
  });

  it('ships source maps that carry their sources (src/ is not in the package)', () => {
    const map = JSON.parse(readFileSync(join(root, 'dist/gate.js.map'), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
    expect(map.sourcesContent?.length).toBe(map.sources.length);
    expect(map.sourcesContent![0]).toContain('export function createGate');
  });
});
