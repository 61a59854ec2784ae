import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { WindowState } from '../context.js';
import type { Verdict } from '../findings.js';
import type { WindowLimits } from '../checks/window.js';
import { OPENERS, windowOf } from './ledger.js';
import type { InboundEvent, MessageState, OutboxRecord, UnknownOutcomePolicy } from './schemas.js';
import { MessageStateSchema } from './schemas.js';
import { LeaseLostError, type AdmitCall, type AdmitRequest, type AdmitResult, type BeginCall, type Lease, type LeaseRequest, type LaneItem, type ListFilter, type OutboxStore, type RetryResult, type SettleCall, type Settlement } from './store.js';

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
}

export const DEFAULT_STORE_PATH = '.weibo-guard/outbox.db';

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
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS inbound_lane ON inbound(account, sender, kind, at);
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

/** Columns added after the first outboxes were written: added in place, defaults apply. */
const ADDED_COLUMNS: ReadonlyArray<[table: string, column: string, definition: string]> = [['outbox', 'operator_retries', 'INTEGER NOT NULL DEFAULT 0']];

interface Row {
  seq: number;
  id: string;
  key: string | null;
  account: string;
  receiver_id: string;
  type: OutboxRecord['type'];
  data: string;
  save_sender_box: 0 | 1;
  state: MessageState;
  attempts: number;
  unknown_outcomes: number;
  operator_retries: number;
  next_at: number;
  reason: string | null;
  mention: number;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

const toRecord = (r: Row): OutboxRecord => ({
  id: r.id,
  key: r.key,
  seq: r.seq,
  account: r.account,
  receiverId: r.receiver_id,
  type: r.type,
  data: r.data,
  saveSenderBox: r.save_sender_box,
  state: r.state,
  attempts: r.attempts,
  unknownOutcomes: r.unknown_outcomes,
  operatorRetries: r.operator_retries,
  nextAt: r.next_at,
  reason: r.reason,
  mention: r.mention === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  sentAt: r.sent_at,
});

/**
 * The embedded outbox. better-sqlite3 is required here, inside the factory, so that
 * importing the package never loads the native module unless a sender is used.
 */
export function createSqliteStore(options: SqliteStoreOptions = {}): OutboxStore {
  const require = createRequire(import.meta.url);
  const Database = require('better-sqlite3') as typeof BetterSqlite3;
  const file = resolve(options.cwd ?? process.cwd(), options.path ?? DEFAULT_STORE_PATH);
  mkdirSync(dirname(file), { recursive: true });
  let db: BetterSqlite3.Database;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    for (const [table, column, definition] of ADDED_COLUMNS) {
      const has = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().some((c) => c.name === column);
      if (!has) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
    }
  } catch (err) {
    throw new Error(`cannot open outbox ${file}: ${(err as Error).message}`);
  }

  const q = {
    inboundInsert: db.prepare('INSERT OR IGNORE INTO inbound (dedupe, account, sender, kind, at) VALUES (?, ?, ?, ?, ?)'),
    lastEvent: db.prepare<[string, string, string], { at: number | null }>('SELECT MAX(at) AS at FROM inbound WHERE account = ? AND sender = ? AND kind = ?'),
    lastOpener: db.prepare<[string, string, ...string[]], { at: number | null }>(
      `SELECT MAX(at) AS at FROM inbound WHERE account = ? AND sender = ? AND kind IN (${OPENERS.map(() => '?').join(', ')})`,
    ),
    slotsSince: db.prepare<[string, string, number], { n: number }>('SELECT COUNT(*) AS n FROM slots WHERE account = ? AND receiver_id = ? AND at >= ?'),
    byKey: db.prepare<[string], Row>('SELECT * FROM outbox WHERE key = ?'),
    byId: db.prepare<[string], Row>('SELECT * FROM outbox WHERE id = ?'),
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
    sending: db.prepare<[], Row>("SELECT * FROM outbox WHERE state = 'sending' ORDER BY seq"),
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
    return toRecord(row);
  };

  const admitOne = (req: AdmitRequest, decide: (w: WindowState) => Verdict): AdmitResult => {
    const window = windowSync(req.account, req.receiverId, req.now, req.limits);
    if (req.key !== null) {
      const existing = q.byKey.get(req.key);
      if (existing) return { status: 'queued', record: toRecord(existing), duplicate: true, window, verdict: { allowed: true, findings: [] } };
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
      const record = toRecord(row);
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

  const recordInbound = db.transaction((events: InboundEvent[]): boolean[] =>
    events.map((e) => {
      const dedupe = e.eventId !== undefined ? `id:${e.account}:${e.eventId}` : `at:${e.account}:${e.from}:${e.kind}:${e.at}`;
      return q.inboundInsert.run(dedupe, e.account, e.from, e.kind, e.at).changes === 1;
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

  return {
    recordInbound: async (events) => (events.length === 0 ? [] : recordInbound.immediate(events)),
    window: async (account, receiverId, now, limits) => windowSync(account, receiverId, now, limits),
    admit: async (calls) => (calls.length === 0 ? [] : admit.immediate(calls)),
    queued: async (afterSeq) => q.queued.all(afterSeq).map((r) => ({ id: r.id, seq: r.seq, account: r.account, receiverId: r.receiver_id, nextAt: r.next_at })),
    step: async (settle, begin, now, holder) => step.immediate(settle, begin, now, holder),
    recoverInterrupted: async (policyFor, now, holder) => recover.immediate(policyFor, now, holder),
    get: async (id) => {
      const row = q.byId.get(id);
      return row ? toRecord(row) : null;
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
        .prepare<unknown[], Row>(sql)
        .all(...args)
        .map(toRecord);
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
    close: () => db.close(),
  };
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
