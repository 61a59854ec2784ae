import { createRequire } from 'node:module';
import { closeSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createSender, createSqliteStore, OUTBOX_APPLICATION_ID, OUTBOX_SCHEMA_VERSION, OutboxIdentityError, StorageError, type Sender } from '../../src/sender/index.js';
import { assertBuilt, gate, perTest, runCli, text } from './helpers.js';
import { V1_LEASE_SCHEMA, V1_SCHEMA, V2_SCHEMA } from './v1-schema.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const REPO = fileURLToPath(new URL('../..', import.meta.url));

const { dir, defer } = perTest();
function open(db: string): Sender {
  const s = createSender({ gate: gate({ quota: 1000 }), store: { path: db }, endpoint: 'http://127.0.0.1:9/x', token: 'tok-unused' });
  defer(() => s.close());
  return s;
}
/** `n` messages queued to one receiver, then a clean close. */
async function filled(db: string, n: number): Promise<void> {
  const s = open(db);
  await s.recordInbound({ from: '1', kind: 'message', at: Date.now() });
  const res = await Promise.all(Array.from({ length: n }, (_, i) => s.enqueue(text('1', `message ${i}`))));
  expect(res.every((r) => r.status === 'queued')).toBe(true);
  s.close();
}
/** Random bytes over whole pages in the middle of the file. */
function damage(db: string): void {
  const size = statSync(db).size;
  const fd = openSync(db, 'r+');
  const bytes = Buffer.alloc(8192);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  writeSync(fd, bytes, 0, bytes.length, Math.floor(size / 2 / 4096) * 4096);
  closeSync(fd);
}

describe('a new outbox', () => {
  it('records its identity and schema version, and is reopened as itself', async () => {
    const db = join(dir(), 'sub', 'outbox.db');
    await filled(db, 3);
    const raw = new Database(db, { readonly: true });
    expect(raw.pragma('application_id', { simple: true })).toBe(OUTBOX_APPLICATION_ID);
    expect(raw.pragma('user_version', { simple: true })).toBe(OUTBOX_SCHEMA_VERSION);
    raw.close();
    expect(await open(db).counts()).toMatchObject({ queued: 3 });
  });
});

describe('a file that is not an outbox', () => {
  it('a zero-byte file (600 messages truncated away) is refused, never opened as a new, empty outbox', async () => {
    const db = join(dir(), 'outbox.db');
    await filled(db, 600);
    truncateSync(db, 0);
    let err: unknown;
    try {
      createSqliteStore({ path: db });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutboxIdentityError);
    expect((err as OutboxIdentityError).problem).toBe('empty');
    expect((err as Error).message).toBe(
      `cannot open outbox ${db}: not a weibo-guard outbox: it is empty (0 bytes, which an outbox never is: if it held messages, restore it from a backup); move it away or pass another --store`,
    );
    expect(statSync(db).size).toBe(0);
  });

  it('another application\'s SQLite database is refused and left byte for byte as it was', () => {
    const db = join(dir(), 'app.db');
    const other = new Database(db);
    other.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ann')");
    other.close();
    const before = readFileSync(db);
    expect(() => createSqliteStore({ path: db })).toThrow(/not a weibo-guard outbox: it is a SQLite database of another application \(application_id 0, tables users\)/);
    const marked = new Database(db);
    marked.pragma('application_id = 1234');
    marked.close();
    const before2 = readFileSync(db);
    expect(() => createSqliteStore({ path: db })).toThrow(/application_id 1234/);
    expect(readFileSync(db).equals(before2)).toBe(true);
    expect(before.length).toBeGreaterThan(0);
  });

  it('an empty SQLite database (no tables) is refused too', () => {
    const db = join(dir(), 'empty.db');
    const other = new Database(db);
    other.pragma('user_version = 1');
    other.close();
    expect(() => createSqliteStore({ path: db })).toThrow(/another application \(application_id 0, no tables\)/);
  });

  it('a file that is not SQLite is refused', () => {
    const db = join(dir(), 'notes.db');
    writeFileSync(db, 'just some notes\n'.repeat(100));
    expect(() => createSqliteStore({ path: db })).toThrow(/not a weibo-guard outbox: it is not a SQLite database/);
  });

  it('an outbox of a newer schema is refused, not downgraded', async () => {
    const db = join(dir(), 'outbox.db');
    await filled(db, 1);
    const raw = new Database(db);
    raw.pragma(`user_version = ${OUTBOX_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => createSqliteStore({ path: db })).toThrow(`written by a newer weibo-guard (schema ${OUTBOX_SCHEMA_VERSION + 1}, this one knows ${OUTBOX_SCHEMA_VERSION}); upgrade weibo-guard`);
  });

  it('an outbox written before application_id (schema 1) is adopted with its messages', async () => {
    const db = join(dir(), 'outbox.db');
    const old = new Database(db);
    old.pragma('journal_mode = WAL');
    old.exec(V1_SCHEMA);
    old
      .prepare("INSERT INTO outbox (id, account, receiver_id, type, data, save_sender_box, state, next_at, mention, created_at, updated_at) VALUES ('m1', 'default', '1', 'text', '{\"text\":\"hi\"}', 1, 'queued', 0, 0, 0, 0)")
      .run();
    old.close();
    const s = open(db);
    expect((await s.list()).map((m) => m.id)).toEqual(['m1']);
    s.close();
    const raw = new Database(db, { readonly: true });
    expect([raw.pragma('application_id', { simple: true }), raw.pragma('user_version', { simple: true })]).toEqual([OUTBOX_APPLICATION_ID, OUTBOX_SCHEMA_VERSION]);
    raw.close();
  });
});

describe('older outboxes are upgraded to the current schema', () => {
  const UNCERTAIN = "INSERT INTO outbox (id, account, receiver_id, type, data, save_sender_box, state, attempts, unknown_outcomes, next_at, reason, mention, created_at, updated_at) VALUES ('m1', 'default', '1', 'text', '{\"text\":\"hi\"}', 1, 'uncertain', 1, 1, 0, 'no answer', 0, 0, 0)";
  const cases: Array<[string, string]> = [
    ['schema 1 (0.1.0: a PID lock)', V1_SCHEMA],
    ['schema 1 of a build that had the lease already (no application_id)', V1_LEASE_SCHEMA],
    ['schema 2 (identity, before the lease)', V2_SCHEMA],
  ];
  for (const [name, schema] of cases) {
    it(`${name}: its messages kept, operator retries counted, the drain lease usable, the PID lock gone`, async () => {
      const db = join(dir(), 'outbox.db');
      const old = new Database(db);
      old.pragma('journal_mode = WAL');
      old.exec(schema);
      old.prepare(UNCERTAIN).run();
      old.close();
      const s = open(db);
      const r = await s.retry('m1');
      expect(r).toMatchObject({ status: 'queued', record: { id: 'm1', state: 'queued', operatorRetries: 1, unknownOutcomes: 1 } });
      s.close();
      const store = createSqliteStore({ path: db });
      const got = await store.acquireLease({ holder: 'h1', host: 'here', pid: 1, ttlMs: 1000, now: 10 });
      expect(got).toMatchObject({ acquired: true, lease: { holder: 'h1', expiresAt: 1010 } });
      await store.releaseLease('h1');
      store.close();
      const raw = new Database(db, { readonly: true });
      expect([raw.pragma('application_id', { simple: true }), raw.pragma('user_version', { simple: true })]).toEqual([OUTBOX_APPLICATION_ID, OUTBOX_SCHEMA_VERSION]);
      const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
      expect(tables).toContain('lease');
      expect(tables).not.toContain('worker');
      raw.close();
    });
  }
});

describe('a damaged outbox', () => {
  it('garbage in the middle of a cleanly closed file: enqueue fails loudly and writes nothing', async () => {
    const db = join(dir(), 'outbox.db');
    await filled(db, 600);
    damage(db);
    const before = readFileSync(db);
    let err: unknown;
    try {
      const s = open(db);
      await s.enqueue(text('1', 'into a damaged file'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).failure).toBe('damaged');
    expect((err as Error).message).toMatch(new RegExp(`^outbox ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged \\(.+\\); nothing was written to it: restore it from a backup`));
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('is checked at open after an unclean stop even when the file looks unchanged', async () => {
    const d = dir();
    const db = join(d, 'outbox.db');
    await filled(db, 600);
    // A worker still running (or killed): its WAL holds frames the main file lacks.
    const live = open(db);
    await live.enqueue(text('1', 'in the WAL only'));
    // A copy of the files as a crash would leave them, damaged where the clean-stop
    // marker cannot tell (a torn write): the marker is made to match the file.
    const crashed = join(d, 'crashed.db');
    copyFileSync(db, crashed);
    copyFileSync(`${db}-wal`, `${crashed}-wal`);
    live.close();
    damage(crashed);
    const st = statSync(crashed, { bigint: true });
    writeFileSync(`${crashed}-clean`, `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}\n`);
    expect(() => createSqliteStore({ path: crashed })).toThrow(StorageError);
  });
});

describe('weibo-guard with a file that is not an outbox', { timeout: 60_000 }, () => {
  it('outbox list and send exit 2 naming the file; a damaged one exits 3', async () => {
    assertBuilt(REPO);
    const d = dir();
    const db = join(d, 'outbox.db');
    await filled(db, 600);
    truncateSync(db, 0);
    const list = await runCli(['outbox', 'list', '--store', db], { cwd: d, guardMs: 20_000 });
    expect(list.stderr).toBe(`weibo-guard: cannot open outbox ${db}: not a weibo-guard outbox: it is empty (0 bytes, which an outbox never is: if it held messages, restore it from a backup); move it away or pass another --store\n`);
    expect(list.stdout).toBe('');
    expect(list.code).toBe(2);
    const send = await runCli(['send', '-', '--store', db, '--no-drain'], { cwd: d, stdin: JSON.stringify(text('1', 'x')), guardMs: 20_000 });
    expect(send.code).toBe(2);
    expect(statSync(db).size).toBe(0);

    const bad = join(d, 'damaged.db');
    await filled(bad, 600);
    damage(bad);
    const enq = await runCli(['send', '-', '--store', bad, '--no-drain'], { cwd: d, stdin: JSON.stringify(text('1', 'x')), guardMs: 20_000 });
    expect(enq.stderr).toMatch(/^weibo-guard: storage failure: outbox .*damaged\.db is damaged/);
    expect(enq.stdout).not.toMatch(/blocked/);
    expect(enq.code).toBe(3);
  });
});
