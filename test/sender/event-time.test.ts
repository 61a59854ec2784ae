import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSender, SenderInputError } from '../../src/sender/index.js';
import { assertBuilt, clock, gate, runCli, tempDir, text } from './helpers.js';
import { V1_SCHEMA } from './v1-schema.js';

const MIN = 60_000;
let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(o: { eventSkewMs?: number } = {}) {
  const { dir, cleanup } = tempDir();
  const c = clock();
  const sender = createSender({ gate: gate(), store: { path: join(dir, 'outbox.db') }, endpoint: 'http://127.0.0.1:9/x', token: 'tok-unused', now: c.now, ...o });
  cleanups.push(() => {
    sender.close();
    cleanup();
  });
  return { dir, c, sender };
}

describe('inbound event times', () => {
  it('refuses an event dated beyond the skew, naming the field', async () => {
    const { sender } = setup();
    const err = await sender.recordInbound({ from: '1', kind: 'message', at: 9999999999999 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SenderInputError);
    expect((err as SenderInputError).field).toBe('at');
    expect((err as Error).message).toMatch(/^inbound event: at: 2286-11-20T17:46:39\.999Z is \d+ days ahead of this clock \(2026-01-01T00:00:00\.000Z\), more than the allowed skew of 5 min/);
    expect(await sender.window('1')).toEqual({ state: 'none' });
    // Past what a Date can show: still a named refusal, not a RangeError.
    await expect(sender.recordInbound({ from: '1', kind: 'message', at: 9_000_000_000_000_000 })).rejects.toThrow(/^inbound event: at: 9000000000000000 ms is \d+ days ahead/);
  });

  it('takes the skew from the settings', async () => {
    const { sender, c } = setup({ eventSkewMs: MIN });
    await expect(sender.recordInbound({ from: '1', kind: 'message', at: c.now() + 2 * MIN })).rejects.toThrow(/more than the allowed skew of 60 s/);
    await expect(sender.recordInbound({ from: '1', kind: 'message', at: c.now() + MIN })).resolves.toEqual({ recorded: true });
    expect(() => createSender({ gate: gate(), store: { path: '/nonexistent/x.db' }, eventSkewMs: -1 })).toThrow(/eventSkewMs/);
  });

  it('counts every reply since the window opened, when the event is dated ahead (within the skew)', async () => {
    const { sender, c } = setup();
    await sender.recordInbound({ from: '7', kind: 'message', at: c.now() + 4 * MIN });
    const statuses: string[] = [];
    for (let i = 0; i < 150; i++) {
      statuses.push((await sender.enqueue(text('7', `reply ${i}`))).status);
      c.advance(1000);
    }
    const quota = gate().policy.limits.window.quota;
    expect(statuses.filter((s) => s === 'queued')).toHaveLength(quota);
    // And still after the event's own date has passed.
    c.advance(10 * MIN);
    expect(await sender.window('7')).toMatchObject({ state: 'open', remaining: 0 });
    const late = await sender.enqueue(text('7', 'one more'));
    expect(late.status === 'blocked' && late.verdict.findings.map((f) => f.rule)).toEqual(['window/quota']);
  });

  it('a window opened by an event dated ahead closes 48 hours after it opened for us', async () => {
    const { sender, c } = setup();
    const t0 = c.now();
    await sender.recordInbound({ from: '8', kind: 'message', at: t0 + 4 * MIN });
    c.set(t0 + 48 * 3_600_000);
    expect((await sender.window('8')).state).toBe('expired');
  });
});

describe('weibo-guard inbound with a future date', { timeout: 60_000 }, () => {
  it('names the line and the field, exits 2, and opens no window', async () => {
    assertBuilt(fileURLToPath(new URL('../..', import.meta.url)));
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const now = Date.now();
    writeFileSync(join(dir, 'ev.jsonl'), [{ from: '1', kind: 'message', at: now }, { from: '2', kind: 'message', at: 9999999999999 }].map((e) => JSON.stringify(e)).join('\n'));
    const r = await runCli(['inbound', 'ev.jsonl'], { cwd: dir, guardMs: 20_000 });
    expect(r.stderr).toMatch(/^weibo-guard: ev\.jsonl:2: inbound event: at: 2286-11-20T17:46:39\.999Z is \d+ days ahead/);
    expect(r.stdout).toBe('recorded 1, duplicates 0, invalid 1\n');
    expect(r.code).toBe(2);
    writeFileSync(join(dir, 'm.jsonl'), Array.from({ length: 150 }, (_, i) => JSON.stringify(text('2', `r${i}`))).join('\n'));
    const send = await runCli(['send', 'm.jsonl', '--no-drain'], { cwd: dir, guardMs: 20_000 });
    expect(send.stdout).toMatch(/sent 0, failed 0, blocked 150, queued 0\n$/);
    const skew = await runCli(['inbound', 'ev.jsonl', '--max-skew', '99999999999999'], { cwd: dir, guardMs: 20_000 });
    expect(skew.stdout).toBe('recorded 1, duplicates 1, invalid 0\n');
    const bad = await runCli(['inbound', 'ev.jsonl', '--max-skew', 'soon'], { cwd: dir, guardMs: 20_000 });
    expect(bad.stderr).toMatch(/--max-skew must be an integer >= 0/);
    expect(bad.code).toBe(2);
  });
});

describe('an outbox of schema 1 (before event times were checked)', () => {
  it('is upgraded in place: a future-dated event counts from the upgrade, nothing is lost', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = join(dir, 'outbox.db');
    const require = createRequire(import.meta.url);
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const old = new Database(db);
    old.pragma('journal_mode = WAL');
    old.exec(V1_SCHEMA);
    old.prepare("INSERT INTO inbound VALUES ('at:default:9:message:9999999999999', 'default', '9', 'message', 9999999999999)").run();
    old.close();
    const c = clock();
    const sender = createSender({ gate: gate(), store: { path: db }, endpoint: 'http://127.0.0.1:9/x', token: 'tok-unused', now: c.now });
    cleanups.push(() => sender.close());
    const w = await sender.window('9');
    expect(w.state).toBe('open');
    // 48 hours from the upgrade, not from the year 2286.
    expect(Date.parse(w.expiresAt!) - Date.now()).toBeLessThan(49 * 3_600_000);
  });
});
