import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSender, StorageError, type Sender } from '../../src/sender/index.js';
import { assertBuilt, gate, perTest, runCli, text } from './helpers.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPO, 'dist/cli/main.js');

const { dir, defer } = perTest();
function open(db: string, store: { maxBytes?: number; readonly?: boolean } = {}): Sender {
  const s = createSender({ gate: gate({ quota: 10_000 }), store: { path: db, ...store }, endpoint: 'http://127.0.0.1:9/x', token: 'tok-unused' });
  defer(() => s.close());
  return s;
}
const long = (i: number) => `${'消息'.repeat(100)} ${i}`;

describe('storage failures (library)', () => {
  it('a full outbox rejects enqueue with StorageError "full"; what was queued before stays', async () => {
    const db = join(dir(), 'outbox.db');
    open(db).close();
    const s = open(db, { maxBytes: 256 * 1024 });
    await s.recordInbound({ from: '1', kind: 'message', at: Date.now() });
    let queued = 0;
    let err: unknown;
    for (let i = 0; i < 5000 && err === undefined; i++) {
      try {
        const r = await s.enqueue(text('1', long(i)));
        expect(r.status).toBe('queued');
        queued++;
      } catch (e) {
        err = e;
      }
    }
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).failure).toBe('full');
    expect((err as Error).message).toMatch(/^outbox .*outbox\.db: the disk, or the outbox size limit \(--store-limit\), is full \(SQLITE_FULL in admit: database or disk is full\)$/);
    expect(queued).toBeGreaterThan(10);
    s.close();
    expect((await open(db).counts()).queued).toBe(queued);
  });

  it('a read-only outbox rejects enqueue and inbound events with StorageError "read-only"; reading still works', async () => {
    const db = join(dir(), 'outbox.db');
    const w = open(db);
    await w.recordInbound({ from: '1', kind: 'message', at: Date.now() });
    await w.enqueue(text('1', 'before'));
    w.close();
    const s = open(db, { readonly: true });
    expect((await s.counts()).queued).toBe(1);
    await expect(s.enqueue(text('1', 'after'))).rejects.toMatchObject({ name: 'StorageError', failure: 'read-only' });
    await expect(s.recordInbound({ from: '2', kind: 'message', at: Date.now() })).rejects.toThrow(/^outbox .* is read-only \(SQLITE_READONLY/);
  });
});

/** Runs the CLI so that the outbox file cannot be written: as nobody when we are root (root ignores modes). */
function runReadOnly(args: string[], cwd: string, stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const asRoot = process.getuid?.() === 0;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, WEIBO_GUARD_TOKEN: 'tok-unused' }, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (stdout += d));
    child.stderr.on('data', (d: string) => (stderr += d));
    child.stdin.end(stdin);
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('storage failures (CLI)', { timeout: 90_000 }, () => {
  it('a full outbox: exit 3, says what happened and from which line nothing was queued, never "blocked"', async () => {
    assertBuilt(REPO);
    const d = dir();
    const now = Date.now();
    // Ten receivers, 60 lines each: inside the quota, so only the storage can refuse.
    const to = (i: number) => String((i % 10) + 1);
    writeFileSync(join(d, 'ev.jsonl'), Array.from({ length: 10 }, (_, i) => JSON.stringify({ from: to(i), kind: 'message', at: now })).join('\n'));
    expect((await runCli(['inbound', 'ev.jsonl'], { cwd: d, guardMs: 20_000 })).code).toBe(0);
    writeFileSync(join(d, 'm.jsonl'), Array.from({ length: 600 }, (_, i) => JSON.stringify(text(to(i), long(i)))).join('\n'));
    const r = await runCli(['send', 'm.jsonl', '--no-drain', '--store-limit', String(640 * 1024)], { cwd: d, guardMs: 30_000 });
    expect(r!.stdout).not.toMatch(/blocked/);
    expect(r!.stderr).toMatch(/^weibo-guard: storage failure: outbox .*outbox\.db: the disk, or the outbox size limit \(--store-limit\), is full/);
    const m = /nothing was queued from m\.jsonl:(\d+) on \((\d+) line\(s\)\); (\d+) line\(s\) before it are queued/.exec(r!.stderr);
    expect(m, r!.stderr).not.toBeNull();
    const [first, left, before] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(before).toBe(first - 1);
    expect(left).toBe(600 - before);
    expect(r!.code).toBe(3);
    const list = await runCli(['outbox', 'list', '--state', 'all', '--json'], { cwd: d, guardMs: 20_000 });
    expect(before).toBeGreaterThan(0);
    const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as { data: string });
    expect(rows.map((row) => (JSON.parse(row.data) as { text: string }).text)).toEqual(Array.from({ length: before }, (_, i) => long(i)));
  });

  it('a read-only outbox: send and inbound exit 3 with "read-only", never "blocked … input/context"', async () => {
    assertBuilt(REPO);
    const d = dir();
    chmodSync(d, 0o777);
    const db = join(d, 'outbox.db');
    const w = open(db);
    await w.recordInbound({ from: '1', kind: 'message', at: Date.now() });
    const queued = await w.enqueue(text('1', 'queued before'));
    w.close();
    chmodSync(db, 0o444);
    const lines = [text('1', 'a'), text('1', 'b')].map((m) => JSON.stringify(m)).join('\n');
    const send = await runReadOnly(['send', '-', '--store', db, '--no-drain'], d, lines);
    expect(send.stdout).not.toMatch(/blocked/);
    expect(send.stderr).toMatch(/^weibo-guard: storage failure: outbox .*outbox\.db is read-only \(SQLITE_READONLY/);
    expect(send.stderr).toContain('nothing was queued from stdin:1 on (2 line(s)); 0 line(s) before it are queued');
    expect(send.code).toBe(3);
    const inbound = await runReadOnly(['inbound', '-', '--store', db], d, JSON.stringify({ from: '2', kind: 'message', at: Date.now() }));
    expect(inbound.stderr).toMatch(/storage failure: outbox .* is read-only/);
    expect(inbound.stderr).toContain('nothing was recorded from stdin:1 on');
    expect(inbound.code).toBe(3);
    const list = await runReadOnly(['outbox', 'list', '--store', db], d, '');
    expect(list.stdout).toContain('queued 1');
    expect(list.code).toBe(0);
    const drop = await runReadOnly(['outbox', 'drop', queued.status === 'queued' ? queued.id : '?', '--store', db], d, '');
    expect(drop.stderr).toMatch(/^weibo-guard: storage failure: outbox .* is read-only/);
    expect(drop.code).toBe(3);
  });
});
