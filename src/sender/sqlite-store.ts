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
import type { AdmitCall, AdmitRequest, AdmitResult, BeginCall, LaneItem, ListFilter, OutboxStore, RetryResult, SettleCall, Settlement, WorkerOwner } from './store.js';

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
CREATE TABLE IF NOT EXISTS worker (
  name TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  since INTEGER NOT NULL
);
`;

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
    releaseSlot: db.prepare('DELETE FROM slots WHERE message_id = ?'),
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
    worker: db.prepare<[], { pid: number; host: string; since: number }>("SELECT pid, host, since FROM worker WHERE name = 'drain'"),
    workerSet: db.prepare("INSERT OR REPLACE INTO worker (name, pid, host, since) VALUES ('drain', ?, ?, ?)"),
    workerDel: db.prepare("DELETE FROM worker WHERE name = 'drain' AND pid = ? AND host = ?"),
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
        q.releaseSlot.run(id);
        break;
      case 'unknown':
        q.attemptEnd.run(now, 'unknown', o.reason, attemptId);
        if (o.policy === 'resend') q.requeue.run(o.nextAt, o.reason, 1, 1, now, id);
        else q.fail.run('uncertain', o.reason, 1, 1, now, id);
        break;
    }
  };
  const step = db.transaction((settle: SettleCall[], begin: BeginCall[], now: number) => {
    for (const c of settle) settleSync(c.id, c.attemptId, c.outcome, now);
    return { begun: begin.map((c) => beginOne(c.id, c.attemptId, now)) };
  });

  const recover = db.transaction((policyFor: (r: OutboxRecord) => UnknownOutcomePolicy, now: number): OutboxRecord[] =>
    q.sending.all().map((row) => {
      const record = toRecord(row);
      const open = q.openAttempts.all(record.id);
      const attemptId = open[0]?.id ?? randomUUID();
      if (open.length === 0) q.attemptInsert.run(attemptId, record.id, now);
      for (const extra of open.slice(1)) q.attemptEnd.run(now, 'unknown', 'interrupted', extra.id);
      settleSync(record.id, attemptId, { kind: 'unknown', policy: policyFor(record), nextAt: now, reason: 'interrupted while sending: outcome unknown' }, now);
      return mustGet(record.id);
    }),
  );

  const retry = db.transaction((id: string, now: number, limits: WindowLimits, decide: (w: WindowState) => Verdict): RetryResult => {
    const record = mustGet(id);
    if (record.state === 'uncertain') {
      q.requeue.run(now, 'retried by operator', 0, 0, now, id);
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
    // An uncertain message may have reached Weibo, so its slot stays taken.
    if (record.state !== 'uncertain') q.releaseSlot.run(id);
    q.fail.run('dropped', reason, 0, 0, now, id);
    return mustGet(id);
  });

  const recordInbound = db.transaction((events: InboundEvent[]): boolean[] =>
    events.map((e) => {
      const dedupe = e.eventId !== undefined ? `id:${e.account}:${e.eventId}` : `at:${e.account}:${e.from}:${e.kind}:${e.at}`;
      return q.inboundInsert.run(dedupe, e.account, e.from, e.kind, e.at).changes === 1;
    }),
  );

  const acquire = db.transaction((owner: WorkerOwner): WorkerOwner | null => {
    const holder = q.worker.get();
    if (holder && !(holder.pid === owner.pid && holder.host === owner.host) && holder.host === owner.host && alive(holder.pid)) return holder;
    q.workerSet.run(owner.pid, owner.host, owner.since);
    return null;
  });

  return {
    recordInbound: async (events) => (events.length === 0 ? [] : recordInbound.immediate(events)),
    window: async (account, receiverId, now, limits) => windowSync(account, receiverId, now, limits),
    admit: async (calls) => (calls.length === 0 ? [] : admit.immediate(calls)),
    queued: async (afterSeq) => q.queued.all(afterSeq).map((r) => ({ id: r.id, seq: r.seq, account: r.account, receiverId: r.receiver_id, nextAt: r.next_at })),
    step: async (settle, begin, now) => step.immediate(settle, begin, now),
    recoverInterrupted: async (policyFor, now) => recover.immediate(policyFor, now),
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
    acquireWorker: async (owner) => acquire.immediate(owner),
    releaseWorker: async (owner) => {
      q.workerDel.run(owner.pid, owner.host);
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type { LaneItem };
