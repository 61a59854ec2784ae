import { createRequire } from 'node:module';
import { closeSync, constants, copyFileSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { WindowState } from '../context.js';
import type { Verdict } from '../findings.js';
import type { WindowLimits } from '../checks/window.js';
import { OPENERS, windowOf } from './ledger.js';
import type { InboundEvent, MessageState, OutboxRecord, UnknownOutcomePolicy } from './schemas.js';
import { recordOf, type OutboxRow } from './rows.js';
import { MessageStateSchema } from './schemas.js';
import type { AdmitCall, AdmitRequest, AdmitResult, BeginCall, LaneItem, Lease, LeaseRequest, ListFilter, OutboxStore, RetryResult, SettleCall, Settlement, StorageFailure } from './store.js';
import { LeaseLostError, OutboxIdentityError, StorageError } from './store.js';

export interface SqliteStoreOptions {
  /** Database file; default `.weibo-guard/outbox.db` under the working directory. */
  path?: string;
  cwd?: string;
  /**
   * FULL (default) syncs the WAL on every commit: an enqueued message survives a
   * power loss. NORMAL survives any process crash (SIGKILL included) but may lose the
   * last commits on power loss; choose it only when that trade is acceptable.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** Open for reading only: every write fails with a read-only StorageError. */
  readonly?: boolean;
  /**
   * Largest size the database may grow to, in bytes (SQLite's max_page_count): a write
   * past it fails with a `full` StorageError, like a full disk, and stores nothing.
   */
  maxBytes?: number;
}

export const DEFAULT_STORE_PATH = '.weibo-guard/outbox.db';

/** SQLite `application_id` of a weibo-guard outbox: "WGOB". */
export const OUTBOX_APPLICATION_ID = 0x57474f42;
/**
 * `user_version` of the schema this code writes. 1 is the first outbox, which had no
 * application_id; 2 adds when each inbound event was received; 3 counts operator
 * retries and replaces the PID lock (`worker`) by the drain `lease`.
 */
export const OUTBOX_SCHEMA_VERSION = 3;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  key TEXT UNIQUE,
  account TEXT NOT NULL,
  receiver_id TEXT NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  save_sender_box INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  unknown_outcomes INTEGER NOT NULL DEFAULT 0,
  operator_retries INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  reason TEXT,
  mention INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox(state, seq);
CREATE TABLE IF NOT EXISTS attempts (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  outcome TEXT,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS attempts_message ON attempts(message_id);
CREATE TABLE IF NOT EXISTS inbound (
  dedupe TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  sender TEXT NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  recorded_at INTEGER,
  effective_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS inbound_effective ON inbound(account, sender, kind, effective_at);
CREATE TABLE IF NOT EXISTS slots (
  message_id TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  receiver_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS slots_lane ON slots(account, receiver_id, at);
CREATE TABLE IF NOT EXISTS lease (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  acquired_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
`;

/**
 * Tables of schema 1, by which an outbox written before application_id is recognised.
 * Its drain lock is `worker` (0.1.0) or `lease` (builds that had the lease before the
 * identity): either marks it as ours.
 */
const V1_TABLES = ['attempts', 'inbound', 'outbox', 'slots'];
const V1_LOCKS = ['worker', 'lease'];

/** Each step takes the schema from version i+1 to i+2; run inside one transaction. */
const MIGRATIONS: Array<(db: BetterSqlite3.Database, now: number) => void> = [
  (db, now) => {
    // Events dated after the migration count from it: until then the ledger trusted
    // the sender's clock, and a future date would open a window without a quota.
    db.exec('ALTER TABLE inbound ADD COLUMN recorded_at INTEGER');
    db.exec('ALTER TABLE inbound ADD COLUMN effective_at INTEGER NOT NULL DEFAULT 0');
    db.prepare('UPDATE inbound SET effective_at = MIN(at, ?)').run(now);
    db.exec('DROP INDEX IF EXISTS inbound_lane');
  },
  (db) => {
    // Retries of uncertain messages by a person are counted apart from the worker's
    // attempts; the drain lock becomes a lease any host can see expire.
    // A schema-1 file from a build that had the lease already has the column.
    if (!hasColumns(db, 'outbox', ['operator_retries'])) db.exec('ALTER TABLE outbox ADD COLUMN operator_retries INTEGER NOT NULL DEFAULT 0');
    db.exec('DROP TABLE IF EXISTS worker');
  },
];


import { MissingDependencyError } from '../missing-dependency.js';
export { MissingDependencyError };

/** The range package.json's peerDependencies names, for the install hint. */
const SQLITE_MAJOR = '12';

function loadBetterSqlite3(): typeof BetterSqlite3 {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'MODULE_NOT_FOUND' && /better-sqlite3/.test(e.message)) {
      throw new MissingDependencyError('better-sqlite3', `the sender needs better-sqlite3: npm install better-sqlite3@${SQLITE_MAJOR}`, { cause: err });
    }
    // Installed without its native build (--ignore-scripts, another Node's ABI).
    if (e.code === 'ERR_DLOPEN_FAILED' || /Could not locate the bindings file/.test(e.message)) {
      throw new MissingDependencyError('better-sqlite3', `the sender needs better-sqlite3 built for this Node (${process.version}): npm rebuild better-sqlite3`, { cause: err });
    }
    throw err;
  }
}

/**
 * The embedded outbox. better-sqlite3 is required here, inside the factory, so that
 * importing the package never loads the native module unless a sender is used; when it
 * is missing, a MissingDependencyError says what to install.
 */
export function createSqliteStore(options: SqliteStoreOptions = {}): OutboxStore {
  const Database = loadBetterSqlite3();
  const file = resolve(options.cwd ?? process.cwd(), options.path ?? DEFAULT_STORE_PATH);
  const db = openOutbox(Database, file, options);

  const q = {
    inboundInsert: db.prepare('INSERT OR IGNORE INTO inbound (dedupe, account, sender, kind, at, recorded_at, effective_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    lastEvent: db.prepare<[string, string, string], { at: number | null }>('SELECT MAX(effective_at) AS at FROM inbound WHERE account = ? AND sender = ? AND kind = ?'),
    lastOpener: db.prepare<[string, string, ...string[]], { at: number | null }>(
      `SELECT MAX(effective_at) AS at FROM inbound WHERE account = ? AND sender = ? AND kind IN (${OPENERS.map(() => '?').join(', ')})`,
    ),
    slotsSince: db.prepare<[string, string, number], { n: number }>('SELECT COUNT(*) AS n FROM slots WHERE account = ? AND receiver_id = ? AND at >= ?'),
    byKey: db.prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE key = ?'),
    byId: db.prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE id = ?'),
    insert: db.prepare(
      `INSERT INTO outbox (id, key, account, receiver_id, type, data, save_sender_box, state, next_at, mention, created_at, updated_at)
       VALUES (@id, @key, @account, @receiver_id, @type, @data, @save_sender_box, 'queued', @now, @mention, @now, @now)`,
    ),
    takeSlot: db.prepare('INSERT OR REPLACE INTO slots (message_id, account, receiver_id, at) VALUES (?, ?, ?, ?)'),
    // A message an attempt of which may have been delivered keeps its slot, whatever its end.
    releaseSlot: db.prepare('DELETE FROM slots WHERE message_id = ? AND NOT EXISTS (SELECT 1 FROM outbox WHERE id = ? AND unknown_outcomes > 0)'),
    queued: db.prepare<[number], LaneItemRow>(
      "SELECT id, seq, account, receiver_id, next_at FROM outbox WHERE state = 'queued' AND seq > ? ORDER BY seq",
    ),
    toSending: db.prepare("UPDATE outbox SET state = 'sending', updated_at = ? WHERE id = ? AND state = 'queued'"),
    attemptInsert: db.prepare('INSERT INTO attempts (id, message_id, started_at) VALUES (?, ?, ?)'),
    attemptEnd: db.prepare('UPDATE attempts SET ended_at = ?, outcome = ?, detail = ? WHERE id = ?'),
    openAttempts: db.prepare<[string], { id: string }>('SELECT id FROM attempts WHERE message_id = ? AND ended_at IS NULL'),
    sent: db.prepare("UPDATE outbox SET state = 'sent', sent_at = ?, updated_at = ?, reason = NULL WHERE id = ?"),
    requeue: db.prepare(
      "UPDATE outbox SET state = 'queued', next_at = ?, reason = ?, attempts = attempts + ?, unknown_outcomes = unknown_outcomes + ?, updated_at = ? WHERE id = ?",
    ),
    fail: db.prepare("UPDATE outbox SET state = ?, reason = ?, attempts = attempts + ?, unknown_outcomes = unknown_outcomes + ?, updated_at = ? WHERE id = ?"),
    sending: db.prepare<[], OutboxRow>("SELECT * FROM outbox WHERE state = 'sending' ORDER BY seq"),
    counts: db.prepare<[], { state: MessageState; n: number }>('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state'),
    operatorRetry: db.prepare(
      "UPDATE outbox SET state = 'queued', next_at = ?, reason = 'retried by operator', operator_retries = operator_retries + 1, updated_at = ? WHERE id = ?",
    ),
    lease: db.prepare<[], LeaseRow>("SELECT holder, host, pid, acquired_at, expires_at FROM lease WHERE name = 'drain'"),
    leaseSet: db.prepare("INSERT OR REPLACE INTO lease (name, holder, host, pid, acquired_at, expires_at) VALUES ('drain', ?, ?, ?, ?, ?)"),
    leaseRenew: db.prepare("UPDATE lease SET expires_at = ? WHERE name = 'drain' AND holder = ?"),
    leaseDel: db.prepare("DELETE FROM lease WHERE name = 'drain' AND holder = ?"),
  };

  const windowSync = (account: string, receiverId: string, now: number, limits: WindowLimits): WindowState =>
    windowOf(
      {
        lastUnfollow: q.lastEvent.get(account, receiverId, 'unfollow')?.at ?? null,
        lastOpener: q.lastOpener.get(account, receiverId, ...OPENERS)?.at ?? null,
        lastMention: q.lastEvent.get(account, receiverId, 'mention')?.at ?? null,
      },
      now,
      limits,
      (t) => q.slotsSince.get(account, receiverId, t)?.n ?? 0,
    );

  const mustGet = (id: string): OutboxRecord => {
    const row = q.byId.get(id);
    if (!row) throw new Error(`outbox has no message ${id}`);
    return recordOf(row);
  };

  const admitOne = (req: AdmitRequest, decide: (w: WindowState) => Verdict): AdmitResult => {
    const window = windowSync(req.account, req.receiverId, req.now, req.limits);
    if (req.key !== null) {
      const existing = q.byKey.get(req.key);
      if (existing) return { status: 'queued', record: recordOf(existing), duplicate: true, window, verdict: { allowed: true, findings: [] } };
    }
    const verdict = decide(window);
    if (!verdict.allowed) return { status: 'blocked', verdict, window };
    const id = randomUUID();
    q.insert.run({
      id,
      key: req.key,
      account: req.account,
      receiver_id: req.receiverId,
      type: req.type,
      data: req.data,
      save_sender_box: req.saveSenderBox,
      now: req.now,
      mention: window.mentionOnly ? 1 : 0,
    });
    q.takeSlot.run(id, req.account, req.receiverId, req.now);
    return { status: 'queued', record: mustGet(id), duplicate: false, window, verdict };
  };
  const admit = db.transaction((calls: AdmitCall[]): AdmitResult[] => calls.map((c) => admitOne(c.request, c.decide)));

  const beginOne = (id: string, attemptId: string, now: number): OutboxRecord | null => {
    if (q.toSending.run(now, id).changes === 0) return null;
    q.attemptInsert.run(attemptId, id, now);
    return mustGet(id);
  };

  const settleSync = (id: string, attemptId: string, o: Settlement, now: number): void => {
    switch (o.kind) {
      case 'sent':
        q.attemptEnd.run(now, 'sent', o.detail, attemptId);
        q.sent.run(now, now, id);
        break;
      case 'retry':
        q.attemptEnd.run(now, 'retry', o.reason, attemptId);
        q.requeue.run(o.nextAt, o.reason, o.counted ? 1 : 0, 0, now, id);
        break;
      case 'failed':
        q.attemptEnd.run(now, 'failed', o.reason, attemptId);
        q.fail.run('failed', o.reason, 1, 0, now, id);
        q.releaseSlot.run(id, id);
        break;
      case 'held':
        q.attemptEnd.run(now, 'failed', o.reason, attemptId);
        q.fail.run('uncertain', o.reason, 1, 0, now, id);
        break;
      case 'unknown':
        q.attemptEnd.run(now, 'unknown', o.reason, attemptId);
        if (o.policy === 'resend') q.requeue.run(o.nextAt, o.reason, 1, 1, now, id);
        else q.fail.run('uncertain', o.reason, 1, 1, now, id);
        break;
    }
  };
  /** The fence: a worker whose lease was taken over changes nothing more. */
  const fence = (holder: string | undefined): void => {
    if (holder === undefined) return;
    const current = q.lease.get();
    if (current?.holder !== holder) throw new LeaseLostError(holder, current ? toLease(current) : null);
  };

  const step = db.transaction((settle: SettleCall[], begin: BeginCall[], now: number, holder: string | undefined) => {
    fence(holder);
    for (const c of settle) settleSync(c.id, c.attemptId, c.outcome, now);
    return { begun: begin.map((c) => beginOne(c.id, c.attemptId, now)) };
  });

  const recover = db.transaction((policyFor: (r: OutboxRecord) => UnknownOutcomePolicy, now: number, holder: string | undefined): OutboxRecord[] => {
    fence(holder);
    return q.sending.all().map((row) => {
      const record = recordOf(row);
      const open = q.openAttempts.all(record.id);
      const attemptId = open[0]?.id ?? randomUUID();
      if (open.length === 0) q.attemptInsert.run(attemptId, record.id, now);
      for (const extra of open.slice(1)) q.attemptEnd.run(now, 'unknown', 'interrupted', extra.id);
      settleSync(record.id, attemptId, { kind: 'unknown', policy: policyFor(record), nextAt: now, reason: 'interrupted while sending: outcome unknown' }, now);
      return mustGet(record.id);
    });
  });

  const retry = db.transaction((id: string, now: number, limits: WindowLimits, decide: (w: WindowState) => Verdict): RetryResult => {
    const record = mustGet(id);
    if (record.state === 'uncertain') {
      q.operatorRetry.run(now, now, id);
      return { status: 'queued', record: mustGet(id) };
    }
    if (record.state !== 'failed') return { status: 'not-retryable', record };
    const verdict = decide(windowSync(record.account, record.receiverId, now, limits));
    if (!verdict.allowed) return { status: 'blocked', record, verdict };
    q.takeSlot.run(id, record.account, record.receiverId, now);
    q.requeue.run(now, 'retried by operator', 0, 0, now, id);
    return { status: 'queued', record: mustGet(id) };
  });

  const drop = db.transaction((id: string, now: number, reason: string): OutboxRecord => {
    const record = mustGet(id);
    if (!['queued', 'failed', 'uncertain'].includes(record.state)) {
      throw new Error(`message ${id} is ${record.state}; only queued, failed or uncertain messages can be dropped`);
    }
    // A message that may have reached Weibo keeps its slot (see releaseSlot).
    if (record.state !== 'uncertain') q.releaseSlot.run(id, id);
    q.fail.run('dropped', reason, 0, 0, now, id);
    return mustGet(id);
  });

  const recordInbound = db.transaction((events: InboundEvent[], now: number): boolean[] =>
    events.map((e) => {
      const dedupe = e.eventId !== undefined ? `id:${e.account}:${e.eventId}` : `at:${e.account}:${e.from}:${e.kind}:${e.at}`;
      // A window counts its replies from when it opened for us: an event dated ahead
      // of our clock opens it now, never later than the replies it must count.
      return q.inboundInsert.run(dedupe, e.account, e.from, e.kind, e.at, now, Math.min(e.at, now)).changes === 1;
    }),
  );

  const acquire = db.transaction((r: LeaseRequest) => {
    const current = q.lease.get();
    if (current && current.holder !== r.holder && current.expires_at > r.now) return { acquired: false as const, current: toLease(current) };
    const acquiredAt = current?.holder === r.holder ? current.acquired_at : r.now;
    q.leaseSet.run(r.holder, r.host, r.pid, acquiredAt, r.now + r.ttlMs);
    return { acquired: true as const, lease: toLease(q.lease.get()!) };
  });
  const renew = db.transaction((holder: string, ttlMs: number, now: number): Lease | null =>
    q.leaseRenew.run(now + ttlMs, holder).changes === 1 ? toLease(q.lease.get()!) : null,
  );

  const store: OutboxStore = {
    recordInbound: async (events, now) => (events.length === 0 ? [] : recordInbound.immediate(events, now)),
    window: async (account, receiverId, now, limits) => windowSync(account, receiverId, now, limits),
    admit: async (calls) => (calls.length === 0 ? [] : admit.immediate(calls)),
    queued: async (afterSeq) => q.queued.all(afterSeq).map((r) => ({ id: r.id, seq: r.seq, account: r.account, receiverId: r.receiver_id, nextAt: r.next_at })),
    step: async (settle, begin, now, holder) => step.immediate(settle, begin, now, holder),
    recoverInterrupted: async (policyFor, now, holder) => recover.immediate(policyFor, now, holder),
    get: async (id) => {
      const row = q.byId.get(id);
      return row ? recordOf(row) : null;
    },
    list: async (filter: ListFilter = {}) => {
      const where: string[] = [];
      const args: Array<string | number> = [];
      if (filter.states?.length) {
        where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
        args.push(...filter.states);
      }
      if (filter.account !== undefined) {
        where.push('account = ?');
        args.push(filter.account);
      }
      const sql = `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${filter.limit !== undefined ? 'LIMIT ?' : ''}`;
      if (filter.limit !== undefined) args.push(filter.limit);
      return db
        .prepare<unknown[], OutboxRow>(sql)
        .all(...args)
        .map(recordOf);
    },
    counts: async () => {
      const out = Object.fromEntries(MessageStateSchema.options.map((s) => [s, 0])) as Record<MessageState, number>;
      for (const { state, n } of q.counts.all()) out[state] = n;
      return out;
    },
    retry: async (id, now, limits, decide) => retry.immediate(id, now, limits, decide),
    drop: async (id, now, reason) => drop.immediate(id, now, reason),
    acquireLease: async (request) => acquire.immediate(request),
    renewLease: async (holder, ttlMs, now) => renew.immediate(holder, ttlMs, now),
    releaseLease: async (holder) => {
      q.leaseDel.run(holder);
    },
    currentLease: async () => {
      const row = q.lease.get();
      return row ? toLease(row) : null;
    },
    close: () => {
      if (!db.open) return;
      db.close();
      markClean(file);
    },
  };
  return withStorageErrors(store, file);
}

/**
 * Opens the outbox at `file`, creating it when nothing is there. A file that is there
 * must prove it is an outbox before anything is written to it: a zero-byte file, a
 * file that is not SQLite, or another application's database is refused, never
 * turned into an empty outbox.
 */
function openOutbox(Database: typeof BetterSqlite3, file: string, options: SqliteStoreOptions): BetterSqlite3.Database {
  const found = statSync(file, { throwIfNoEntry: false });
  if (!found) {
    if (options.readonly) throw new OutboxIdentityError('not-a-file', file, `cannot open outbox ${file}: there is no outbox there to read`);
    create(Database, file);
  } else if (!found.isFile()) {
    throw refuse('not-a-file', file, 'is not a file');
  } else if (found.size === 0) {
    // weibo-guard never leaves an empty file (see create): something truncated it.
    throw refuse('empty', file, 'is empty (0 bytes, which an outbox never is: if it held messages, restore it from a backup)');
  }
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, readonly: options.readonly ?? false });
    let version = identify(db, file);
    if (needsCheck(file)) check(db, file);
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      if (version < OUTBOX_SCHEMA_VERSION) version = migrate(db, file);
      db.exec(SCHEMA);
    } else if (version < OUTBOX_SCHEMA_VERSION) {
      throw new StorageError('read-only', file, `outbox ${file} has schema ${version} and is opened read-only: open it once for writing to upgrade it to ${OUTBOX_SCHEMA_VERSION}`);
    }
    if (options.maxBytes !== undefined) {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxBytes / pageSize))}`);
    }
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof OutboxIdentityError || err instanceof StorageError) throw err;
    throw toStorageError(err, file, 'open') ?? new Error(`cannot open outbox ${file}: ${(err as Error).message}`);
  }
}

function refuse(problem: OutboxIdentityError['problem'], file: string, what: string): OutboxIdentityError {
  return new OutboxIdentityError(problem, file, `cannot open outbox ${file}: not a weibo-guard outbox: it ${what}; move it away or pass another --store`);
}

/** The schema version of an outbox, or an OutboxIdentityError; reads only. */
function identify(db: BetterSqlite3.Database, file: string): number {
  let app: number;
  let version: number;
  try {
    app = db.pragma('application_id', { simple: true }) as number;
    version = db.pragma('user_version', { simple: true }) as number;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') throw refuse('not-sqlite', file, 'is not a SQLite database (file is not a database)');
    throw err;
  }
  if (app === OUTBOX_APPLICATION_ID) {
    if (version > OUTBOX_SCHEMA_VERSION) {
      throw new OutboxIdentityError('newer', file, `cannot open outbox ${file}: it was written by a newer weibo-guard (schema ${version}, this one knows ${OUTBOX_SCHEMA_VERSION}); upgrade weibo-guard`);
    }
    return version;
  }
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
  if (app === 0 && version === 0 && V1_TABLES.every((t) => tables.includes(t)) && V1_LOCKS.some((t) => tables.includes(t)) && hasColumns(db, 'outbox', ['id', 'state', 'receiver_id', 'data'])) return 1;
  const shown = tables.length === 0 ? 'no tables' : `tables ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''}`;
  throw refuse('foreign', file, `is a SQLite database of another application (application_id ${app}, ${shown})`);
}

function hasColumns(db: BetterSqlite3.Database, table: string, columns: string[]): boolean {
  const have = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name));
  return columns.every((c) => have.has(c));
}

/** Upgrades in one transaction; another process upgrading at the same time is waited for. */
function migrate(db: BetterSqlite3.Database, file: string): number {
  return db
    .transaction(() => {
      let version = db.pragma('application_id', { simple: true }) === OUTBOX_APPLICATION_ID ? (db.pragma('user_version', { simple: true }) as number) : identify(db, file);
      for (; version < OUTBOX_SCHEMA_VERSION; version++) MIGRATIONS[version - 1]!(db, Date.now());
      db.pragma(`application_id = ${OUTBOX_APPLICATION_ID}`);
      db.pragma(`user_version = ${OUTBOX_SCHEMA_VERSION}`);
      return version;
    })
    .immediate();
}

/**
 * A new outbox is built whole in a temporary file and linked into place, so `file`
 * never exists half made: a crash leaves either no outbox (made again next time) or
 * a complete one. That is why an empty file is never taken for a new outbox.
 */
function create(Database: typeof BetterSqlite3, file: string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomUUID().slice(0, 8)}.new`);
  try {
    const db = new Database(tmp);
    try {
      db.transaction(() => {
        db.exec(SCHEMA);
        db.pragma(`application_id = ${OUTBOX_APPLICATION_ID}`);
        db.pragma(`user_version = ${OUTBOX_SCHEMA_VERSION}`);
      })();
      db.pragma('journal_mode = WAL');
    } finally {
      db.close();
    }
    try {
      linkSync(tmp, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Another process created it meanwhile: use theirs.
      if (code === 'EEXIST') return;
      // A file system without hard links: an exclusive copy still never replaces an outbox.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw err;
      try {
        copyFileSync(tmp, file, constants.COPYFILE_EXCL);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        return;
      }
    }
    syncDir(dir);
    markClean(file);
  } catch (err) {
    if (err instanceof StorageError) throw err;
    throw toStorageError(err, file, 'create') ?? new StorageError('unavailable', file, `cannot create outbox ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not every platform can sync a directory; the commits that follow sync the file.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/*
 * Clean-stop marker. quick_check reads every page, so it runs only when the file may
 * have been left mid-write or changed behind our back. When the last connection
 * closes cleanly, SQLite checkpoints and removes the WAL; the marker then records the
 * database file's size and mtime. At open, a WAL with frames in it (a stop without
 * that checkpoint, or another process still at work) or a file that no longer
 * matches the marker (written by something else: a copy, a restore, a stray `dd`)
 * means the file is checked before use. The clean path costs two stats and a small
 * file read at open; quick_check costs a read of the whole file (BENCHMARKS.md).
 */
const markerOf = (file: string) => `${file}-clean`;

function fingerprint(file: string): string | null {
  const st = statSync(file, { bigint: true, throwIfNoEntry: false });
  return st ? `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}` : null;
}

function markClean(file: string): void {
  try {
    const wal = statSync(`${file}-wal`, { throwIfNoEntry: false });
    if (wal && wal.size > 0) return;
    // File times tick coarsely (a few ms): a write right after ours could leave the
    // mtime as it was. Set into the past, any later write moves it.
    const past = new Date(Date.now() - 2000);
    utimesSync(file, past, past);
    const fp = fingerprint(file);
    if (fp) writeFileSync(markerOf(file), `${fp}\n`);
  } catch {
    // Best effort: without a marker the next open checks the file.
  }
}

function needsCheck(file: string): boolean {
  const wal = statSync(`${file}-wal`, { throwIfNoEntry: false });
  if (wal && wal.size > 0) return true;
  let marker: string;
  try {
    marker = readFileSync(markerOf(file), 'utf8').trim();
  } catch {
    return true;
  }
  return marker !== fingerprint(file);
}

/** Reads every page (not indexes against tables: that is integrity_check, far slower). */
function check(db: BetterSqlite3.Database, file: string): void {
  let rows: Array<{ quick_check: string }>;
  try {
    rows = db.pragma('quick_check(5)') as Array<{ quick_check: string }>;
  } catch (err) {
    throw toStorageError(err, file, 'check') ?? err;
  }
  if (rows.length === 1 && rows[0]!.quick_check === 'ok') return;
  throw new StorageError('damaged', file, `outbox ${file} is damaged (quick_check: ${rows.map((r) => r.quick_check.replace(/\s+/g, ' ')).join('; ')})${DAMAGED}`);
}

const DAMAGED = '; nothing was written to it: restore it from a backup, or move it away and keep it for recovery';

const FAILURES: Array<[RegExp, StorageFailure, (file: string) => string, string]> = [
  [/^SQLITE_FULL/, 'full', (f) => `outbox ${f}: the disk, or the outbox size limit (--store-limit), is full`, ''],
  [/^SQLITE_READONLY/, 'read-only', (f) => `outbox ${f} is read-only`, ''],
  [/^SQLITE_(CORRUPT|NOTADB)/, 'damaged', (f) => `outbox ${f} is damaged`, DAMAGED],
  [/^SQLITE_(BUSY|LOCKED)/, 'busy', (f) => `outbox ${f} stayed locked by another process`, ''],
  [/^SQLITE_(IOERR|CANTOPEN|PERM|AUTH)/, 'io', (f) => `outbox ${f} could not be read or written`, ''],
];

/** A SQLite storage failure as a StorageError; null for anything else (a bug, a constraint). */
function toStorageError(err: unknown, file: string, op: string): StorageError | null {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return null;
  for (const [re, failure, what, after] of FAILURES) {
    if (re.test(code)) return new StorageError(failure, file, `${what(file)} (${code} in ${op}: ${(err as Error).message})${after}`, { cause: err });
  }
  return null;
}

/** Every method of the store throws StorageError for storage failures, whatever it was doing. */
function withStorageErrors(store: OutboxStore, file: string): OutboxStore {
  const wrapped = { ...store } as Record<string, unknown>;
  for (const [name, fn] of Object.entries(store)) {
    if (typeof fn !== 'function') continue;
    const map = (err: unknown): never => {
      throw toStorageError(err, file, name) ?? err;
    };
    wrapped[name] = (...args: unknown[]) => {
      try {
        const r: unknown = (fn as (...a: unknown[]) => unknown)(...args);
        return r instanceof Promise ? r.catch(map) : r;
      } catch (err) {
        return map(err);
      }
    };
  }
  return wrapped as unknown as OutboxStore;
}

interface LaneItemRow {
  id: string;
  seq: number;
  account: string;
  receiver_id: string;
  next_at: number;
}

interface LeaseRow {
  holder: string;
  host: string;
  pid: number;
  acquired_at: number;
  expires_at: number;
}

const toLease = (r: LeaseRow): Lease => ({ holder: r.holder, host: r.host, pid: r.pid, acquiredAt: r.acquired_at, expiresAt: r.expires_at });

export type { LaneItem };
