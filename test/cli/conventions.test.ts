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

  const help = (args: string[]) => spawnSync(process.execPath, [main, ...args, '--help'], { cwd: root, encoding: 'utf8' }).stdout;
  const flags = (args: string[]) => [...help(args).matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]).filter((f) => f !== '--help');
  it.each([
    [['inbound'], ['--json', '--max-skew', '--store', '--store-limit', '--store-pool', '--account-name']],
    [['outbox', 'list'], ['--state', '--limit', '--json', '--store', '--store-limit', '--store-pool']],
    [['outbox', 'drop'], ['--reason', '--store', '--store-limit', '--store-pool']],
    [['outbox', 'retry'], ['--failed', '--uncertain', '--store', '--store-limit', '--store-pool', '--config']],
  ])('each command lists its own flags only: %j', (args, own) => {
    expect(flags(args).sort()).toEqual([...own].sort());
  });
  it('send lists the named account as --account-name; --account is the account kind of check', () => {
    const send = flags(['send']);
    expect(send).toEqual(expect.arrayContaining(['--account-name', '--endpoint', '--token-file', '--store', '--config', '--concurrency']));
    expect(send).not.toContain('--account');
    expect(help(['check'])).toMatch(/--account <account>.*\(choices: "enterprise", "personal"\)/);
  });
});
