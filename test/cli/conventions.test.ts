import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const main = join(root, 'dist/cli/main.js');

/** Runs the CLI with its stdout closed before it writes: what `… | head -1` does to it. */
function withClosedStdout(args: string[], input?: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('one CLI convention', () => {
  it.each([
    [['check', '--format', 'xml', 'x.json'], "option '--format <format>' argument 'xml' is invalid. Allowed choices are text, json.", 'weibo-guard check'],
    [['audit', '--bogus'], "unknown option '--bogus'", 'weibo-guard audit'],
    [['outbox', 'list', '--bogus'], "unknown option '--bogus'", 'weibo-guard outbox list'],
    [['bogus'], "unknown command 'bogus'", 'weibo-guard'],
  ])('a flag error is one line and where to look, not the whole help: %j', (args, what, where) => {
    const r = spawnSync(process.execPath, [main, ...args], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`weibo-guard: ${what}\n(see ${where} --help)\n`);
  });

  it('a reader that closes the pipe ends the audit quietly with its usual exit code', async () => {
    const r = await withClosedStdout(['audit', 'examples/template-repo', '-f', 'stylish']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });

  it('a reader that closes the pipe ends check --jsonl quietly', async () => {
    const lines = `${JSON.stringify({ type: 'text', data: { text: 'hi' }, receiver_id: '1' })}\n`.repeat(50_000);
    const r = await withClosedStdout(['check', '--jsonl'], lines);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
