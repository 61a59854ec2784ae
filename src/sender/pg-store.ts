import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import type * as Pg from 'pg';
import type { WindowState } from '../context.js';
import type { Verdict } from '../findings.js';
import type { WindowLimits } from '../checks/window.js';
import { OPENERS, windowOf } from './ledger.js';
import type { InboundEvent, MessageState, OutboxRecord, UnknownOutcomePolicy } from './schemas.js';
import { recordOf, type OutboxRow } from './rows.js';
import { MessageStateSchema } from './schemas.js';
import { MissingDependencyError } from './sqlite-store.js';
import type { AdmitCall, AdmitRequest, AdmitResult, Lease, LeaseRequest, ListFilter, OutboxStore, RetryResult, Settlement, StorageFailure } from './store.js';
import { LeaseLostError, OutboxIdentityError, StorageError } from './store.js';

export interface PostgresStoreOptions {
  /** Connections in this process's pool (default 5): a worker holds one per step, enqueues one per group commit. */
  poolSize?: number;
  /** How long to wait for a connection, from the pool or the server (default 10 s); past it a call fails `unavailable`. */
  connectTimeoutMs?: number;
}

/** A store URL that selects PostgreSQL. */
export const isPostgresUrl = (s: string): boolean => /^postgres(ql)?:\/\//i.test(s);

/**
 * The URL as it may be shown: the password replaced, whatever else it holds. Every
 * message of this store names the server this way.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const k of [...u.searchParams.keys()]) if (/pass|secret|key/i.test(k)) u.searchParams.set(k, '***');
    return u.toString();
  } catch {
    // Not parseable: drop everything between the scheme and the last @, where a password would be.
    return url.replace(/^([a-z]+:\/\/)[^/]*@/i, '$1***@');
  }
}

/** Version of the schema this code writes, in `wg_meta`; each entry of MIGRATIONS adds one. */
export const PG_SCHEMA_VERSION = 1;
const APPLICATION = 'weibo-guard outbox';
/** pg_advisory_xact_lock key of the migration: "WGOB", as SQLite's application_id. */
const MIGRATION_LOCK = 0x57474f42;

/**
 * Tables are prefixed `wg_` so an outbox can share a database (and schema) with the
 * application's own tables. Times are epoch milliseconds as the SQLite store keeps
 * them; lease expiry alone is on the server's clock.
 */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE wg_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE wg_outbox (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    key TEXT UNIQUE,
    account TEXT NOT NULL,
    receiver_id TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    save_sender_box SMALLINT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    unknown_outcomes INTEGER NOT NULL DEFAULT 0,
    operator_retries INTEGER NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,
    reason TEXT,
    mention BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    sent_at BIGINT,
    claimed_by TEXT
  );
  CREATE INDEX wg_outbox_state ON wg_outbox (state, seq);
  CREATE INDEX wg_outbox_lane ON wg_outbox (account, receiver_id, seq) WHERE state IN ('queued', 'sending');
  CREATE TABLE wg_attempts (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    outcome TEXT,
    detail TEXT
  );
  CREATE INDEX wg_attempts_message ON wg_attempts (message_id);
  CREATE TABLE wg_inbound (
    dedupe TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    sender TEXT NOT NULL,
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    effective_at BIGINT NOT NULL
  );
  CREATE INDEX wg_inbound_effective ON wg_inbound (account, sender, kind, effective_at);
  CREATE TABLE wg_slots (
    message_id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    receiver_id TEXT NOT NULL,
    at BIGINT NOT NULL
  );
  CREATE INDEX wg_slots_lane ON wg_slots (account, receiver_id, at);
  CREATE TABLE wg_lanes (account TEXT NOT NULL, receiver_id TEXT NOT NULL, PRIMARY KEY (account, receiver_id));
  CREATE TABLE wg_workers (
    holder TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    acquired_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  `,
];

/** The server's clock in epoch ms: leases of workers on many hosts expire on one clock. */
const DB_NOW = '(extract(epoch from clock_timestamp()) * 1000)::bigint';


interface WorkerRow {
  holder: string;
  host: string;
  pid: number;
  acquired_at: number;
  expires_at: number;
}
const toLease = (r: WorkerRow): Lease => ({ holder: r.holder, host: r.host, pid: r.pid, acquiredAt: r.acquired_at, expiresAt: r.expires_at });

const PG_MAJOR = '8';

function loadPg(): typeof Pg {
  try {
    const mod = createRequire(import.meta.url)('pg') as typeof Pg & { default?: typeof Pg };
    return mod.default ?? mod;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'MODULE_NOT_FOUND' && /'pg'/.test(e.message)) {
      throw new MissingDependencyError('pg', `a postgres:// outbox needs the pg package: npm install pg@${PG_MAJOR}`, { cause: err });
    }
    throw err;
  }
}

type Client = Pg.PoolClient;

/**
 * Every statement is prepared once per connection (named by its text): the hot path
 * runs a handful of statements per message, and parsing and planning each again cost
 * more than running it.
 */
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) names.set(text, (name = `wg_${names.size}`));
  return name;
}
function prepared(c: Client): Client {
  const query = c.query.bind(c) as (q: unknown, v?: unknown[]) => Promise<unknown>;
  const wrapped = Object.create(c) as Client;
  (wrapped as unknown as { query: unknown }).query = (text: unknown, values?: unknown[]) =>
    typeof text === 'string' && /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(text) ? query({ name: statementName(text), text, values: values ?? [] }) : query(text, values);
  wrapped.release = (err?: Error | boolean) => c.release(err);
  return wrapped;
}

/**
 * The outbox and ledger on PostgreSQL, shared by any number of processes on any hosts:
 * `sharedDrain` — every worker drains at once, each with its own lease (a row in
 * wg_workers renewed on the server's clock). The calls are those of the SQLite store,
 * with the same results; what differs is only how concurrent processes are kept apart:
 * - admit and recordInbound lock the receiver's row in wg_lanes, so two processes
 *   can never both take the last quota slot, nor an unfollow slip between a window
 *   read and the slot taken from it;
 * - a message is claimed (queued → sending) with FOR UPDATE SKIP LOCKED and only while
 *   no earlier message of its receiver is unsettled: one in flight per receiver, in order;
 * - pushes are de-duplicated by the primary key (INSERT … ON CONFLICT DO NOTHING);
 * - a worker's steps hold its wg_workers row (FOR SHARE): a worker whose lease expired
 *   is reaped by another, and its messages in `sending` become unknown outcomes.
 *
 * pg is loaded here, inside the factory: importing the package never needs it. The
 * schema is made or upgraded before the first call completes; a problem there (server
 * down, a newer schema) is thrown by that call.
 */
export function createPostgresStore(url: string, options: PostgresStoreOptions = {}): OutboxStore {
  const pg = loadPg();
  const location = redactUrl(url);
  const parseBig = (v: string) => Number(v);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 5,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    // BIGINT times and counts fit a double (ms until year 285,616): numbers, as SQLite gives them.
    types: { getTypeParser: ((oid: number, format?: string) => (oid === 20 ? parseBig : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
  });
  // An idle connection dropped by the server: the next call gets a new one (or fails with the reason).
  pool.on('error', () => undefined);

  const ready = migrate(pool, location);
  ready.catch(() => undefined);

  async function tx<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    await ready;
    for (let attempt = 1; ; attempt++) {
      const c = prepared(await pool.connect());
      let broken: Error | undefined;
      try {
        await c.query('BEGIN');
        const r = await fn(c);
        await c.query('COMMIT');
        return r;
      } catch (err) {
        await c.query('ROLLBACK').catch((e: Error) => (broken = e));
        // A deadlock the server broke, or a serialization failure: nothing was written; run it again.
        const code = (err as { code?: string }).code;
        if ((code === '40P01' || code === '40001') && attempt < 5) continue;
        throw err;
      } finally {
        c.release(broken);
      }
    }
  }
  async function one<T extends Pg.QueryResultRow>(sql: string, args: unknown[] = []): Promise<T[]> {
    await ready;
    return (await pool.query<T>({ name: statementName(sql), text: sql, values: args })).rows;
  }

  /** Locks the receivers' rows, in one order for every process (no deadlock between batches). */
  async function lockLanes(c: Client, pairs: Array<[string, string]>): Promise<void> {
    const keys = [...new Map(pairs.map((p) => [`${p[0]}\u0000${p[1]}`, p])).values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    const accounts = keys.map((k) => k[0]);
    const receivers = keys.map((k) => k[1]);
    await c.query('INSERT INTO wg_lanes (account, receiver_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [accounts, receivers]);
    await c.query(
      `SELECT 1 FROM wg_lanes l JOIN unnest($1::text[], $2::text[]) AS k(a, r) ON l.account = k.a AND l.receiver_id = k.r
       ORDER BY l.account, l.receiver_id FOR UPDATE OF l`,
      [accounts, receivers],
    );
  }

  async function windowOn(c: Client | Pg.Pool, account: string, receiverId: string, now: number, limits: WindowLimits): Promise<WindowState> {
    const { rows } = await c.query<{ u: number | null; o: number | null; m: number | null; since_o: number; since_m: number }>(
      `WITH ev AS (
         SELECT max(effective_at) FILTER (WHERE kind = 'unfollow') AS u,
                max(effective_at) FILTER (WHERE kind = ANY($3::text[])) AS o,
                max(effective_at) FILTER (WHERE kind = 'mention') AS m
         FROM wg_inbound WHERE account = $1 AND sender = $2)
       SELECT ev.u, ev.o, ev.m,
         (SELECT count(*) FROM wg_slots s WHERE s.account = $1 AND s.receiver_id = $2 AND s.at >= ev.o) AS since_o,
         (SELECT count(*) FROM wg_slots s WHERE s.account = $1 AND s.receiver_id = $2 AND s.at >= ev.m) AS since_m
       FROM ev`,
      [account, receiverId, OPENERS],
    );
    const r = rows[0]!;
    return windowOf({ lastUnfollow: r.u, lastOpener: r.o, lastMention: r.m }, now, limits, (t) => (t === r.o ? r.since_o : t === r.m ? r.since_m : 0));
  }

  async function mustGet(c: Client, id: string, lock = false): Promise<OutboxRecord> {
    const { rows } = await c.query<OutboxRow>(`SELECT * FROM wg_outbox WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (!rows[0]) throw new Error(`outbox has no message ${id}`);
    return recordOf(rows[0]);
  }

  async function admitOne(c: Client, req: AdmitRequest, decide: (w: WindowState) => Verdict): Promise<AdmitResult> {
    const window = await windowOn(c, req.account, req.receiverId, req.now, req.limits);
    const byKey = async () => (req.key === null ? undefined : (await c.query<OutboxRow>('SELECT * FROM wg_outbox WHERE key = $1', [req.key])).rows[0]);
    const existing = await byKey();
    if (existing) return { status: 'queued', record: recordOf(existing), duplicate: true, window, verdict: { allowed: true, findings: [] } };
    const verdict = decide(window);
    if (!verdict.allowed) return { status: 'blocked', verdict, window };
    // The message and its quota slot, in one statement.
    const { rows } = await c.query<OutboxRow>(
      `WITH m AS (
         INSERT INTO wg_outbox (id, key, account, receiver_id, type, data, save_sender_box, state, next_at, mention, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9, $8, $8) ON CONFLICT (key) DO NOTHING RETURNING *),
       s AS (INSERT INTO wg_slots (message_id, account, receiver_id, at) SELECT id, account, receiver_id, $8 FROM m)
       SELECT * FROM m`,
      [randomUUID(), req.key, req.account, req.receiverId, req.type, req.data, req.saveSenderBox, req.now, window.mentionOnly === true],
    );
    if (!rows[0]) {
      // The same key committed by another process meanwhile (to another receiver's lane).
      const theirs = await byKey();
      return { status: 'queued', record: recordOf(theirs!), duplicate: true, window, verdict: { allowed: true, findings: [] } };
    }
    return { status: 'queued', record: recordOf(rows[0]), duplicate: false, window, verdict };
  }

  const takeSlot = (c: Client, id: string, account: string, receiverId: string, at: number) =>
    c.query('INSERT INTO wg_slots (message_id, account, receiver_id, at) VALUES ($1, $2, $3, $4) ON CONFLICT (message_id) DO UPDATE SET at = EXCLUDED.at', [id, account, receiverId, at]);
  // A message an attempt of which may have been delivered keeps its slot, whatever its end.
  const releaseSlot = (c: Client, id: string) =>
    c.query('DELETE FROM wg_slots WHERE message_id = $1 AND NOT EXISTS (SELECT 1 FROM wg_outbox WHERE id = $1 AND unknown_outcomes > 0)', [id]);
  const attemptEnd = (c: Client, now: number, outcome: string, detail: string, attemptId: string) =>
    c.query('UPDATE wg_attempts SET ended_at = $1, outcome = $2, detail = $3 WHERE id = $4', [now, outcome, detail, attemptId]);
  const requeue = (c: Client, id: string, nextAt: number, reason: string, attempts: number, unknown: number, now: number) =>
    c.query(
      "UPDATE wg_outbox SET state = 'queued', claimed_by = NULL, next_at = $2, reason = $3, attempts = attempts + $4, unknown_outcomes = unknown_outcomes + $5, updated_at = $6 WHERE id = $1",
      [id, nextAt, reason, attempts, unknown, now],
    );
  const fail = (c: Client, id: string, state: MessageState, reason: string, attempts: number, unknown: number, now: number) =>
    c.query(
      'UPDATE wg_outbox SET state = $2, claimed_by = NULL, reason = $3, attempts = attempts + $4, unknown_outcomes = unknown_outcomes + $5, updated_at = $6 WHERE id = $1',
      [id, state, reason, attempts, unknown, now],
    );

  async function settleOne(c: Client, id: string, attemptId: string, o: Settlement, now: number): Promise<void> {
    switch (o.kind) {
      case 'sent':
        await c.query(
          `WITH a AS (UPDATE wg_attempts SET ended_at = $2, outcome = 'sent', detail = $3 WHERE id = $4)
           UPDATE wg_outbox SET state = 'sent', claimed_by = NULL, sent_at = $2, updated_at = $2, reason = NULL WHERE id = $1`,
          [id, now, o.detail, attemptId],
        );
        break;
      case 'retry':
        await attemptEnd(c, now, 'retry', o.reason, attemptId);
        await requeue(c, id, o.nextAt, o.reason, o.counted ? 1 : 0, 0, now);
        break;
      case 'failed':
        await attemptEnd(c, now, 'failed', o.reason, attemptId);
        await fail(c, id, 'failed', o.reason, 1, 0, now);
        await releaseSlot(c, id);
        break;
      case 'held':
        await attemptEnd(c, now, 'failed', o.reason, attemptId);
        await fail(c, id, 'uncertain', o.reason, 1, 0, now);
        break;
      case 'unknown':
        await attemptEnd(c, now, 'unknown', o.reason, attemptId);
        if (o.policy === 'resend') await requeue(c, id, o.nextAt, o.reason, 1, 1, now);
        else await fail(c, id, 'uncertain', o.reason, 1, 1, now);
        break;
    }
  }

  /**
   * The fence: this worker's lease must be live on the server's clock, and its row stays
   * locked until the step commits, so no other worker can reap it midway.
   */
  async function fence(c: Client, holder: string | undefined): Promise<void> {
    if (holder === undefined) return;
    const { rows } = await c.query(`SELECT 1 FROM wg_workers WHERE holder = $1 AND expires_at > ${DB_NOW} FOR SHARE`, [holder]);
    if (rows.length === 0) throw new LeaseLostError(holder, null);
  }

  const store: OutboxStore = {
    sharedDrain: true,

    recordInbound: (events, now) =>
      events.length === 0
        ? Promise.resolve([])
        : tx(async (c) => {
            await lockLanes(
              c,
              events.map((e) => [e.account, e.from]),
            );
            const out: boolean[] = [];
            for (const e of events) {
              const dedupe = e.eventId !== undefined ? `id:${e.account}:${e.eventId}` : `at:${e.account}:${e.from}:${e.kind}:${e.at}`;
              // Dated ahead of our clock, a window opens now (see the SQLite store).
              const r = await c.query(
                'INSERT INTO wg_inbound (dedupe, account, sender, kind, at, recorded_at, effective_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe) DO NOTHING',
                [dedupe, e.account, e.from, e.kind, e.at, now, Math.min(e.at, now)],
              );
              out.push(r.rowCount === 1);
            }
            return out;
          }),

    window: async (account, receiverId, now, limits) => {
      await ready;
      return windowOn(pool, account, receiverId, now, limits);
    },

    admit: (calls: AdmitCall[]) =>
      calls.length === 0
        ? Promise.resolve([])
        : tx(async (c) => {
            await lockLanes(
              c,
              calls.map((x) => [x.request.account, x.request.receiverId]),
            );
            const out: AdmitResult[] = [];
            for (const x of calls) out.push(await admitOne(c, x.request, x.decide));
            return out;
          }),

    queued: async (afterSeq) =>
      (
        await one<{ id: string; seq: number; account: string; receiver_id: string; next_at: number }>(
          "SELECT id, seq, account, receiver_id, next_at FROM wg_outbox WHERE state = 'queued' AND seq > $1 ORDER BY seq",
          [afterSeq],
        )
      ).map((r) => ({ id: r.id, seq: r.seq, account: r.account, receiverId: r.receiver_id, nextAt: r.next_at })),

    step: (settle, begin, now, holder) =>
      tx(async (c) => {
        await fence(c, holder);
        for (const s of settle) await settleOne(c, s.id, s.attemptId, s.outcome, now);
        const begun: Array<OutboxRecord | null> = [];
        for (const b of begin) {
          // Claimed only when it is its receiver's next: nothing earlier unsettled, nothing in flight.
          // The attempt row is written in the same statement, before any request leaves.
          const { rows } = await c.query<OutboxRow>(
            `WITH o AS (
               UPDATE wg_outbox o SET state = 'sending', claimed_by = $3, updated_at = $2
               WHERE o.id = (SELECT id FROM wg_outbox WHERE id = $1 AND state = 'queued' FOR UPDATE SKIP LOCKED)
                 AND NOT EXISTS (SELECT 1 FROM wg_outbox p WHERE p.account = o.account AND p.receiver_id = o.receiver_id
                                 AND p.state IN ('queued', 'sending') AND (p.seq < o.seq OR p.state = 'sending'))
               RETURNING o.*),
             a AS (INSERT INTO wg_attempts (id, message_id, started_at) SELECT $4, id, $2 FROM o)
             SELECT * FROM o`,
            [b.id, now, holder ?? null, b.attemptId],
          );
          begun.push(rows[0] ? recordOf(rows[0]) : null);
        }
        return { begun };
      }),

    recoverInterrupted: (policyFor: (r: OutboxRecord) => UnknownOutcomePolicy, now, holder) =>
      tx(async (c) => {
        await fence(c, holder);
        // Reaped: workers whose lease ran out. A live worker's step holds its row, so this waits for it.
        await c.query(`DELETE FROM wg_workers WHERE expires_at <= ${DB_NOW}`);
        const { rows } = await c.query<OutboxRow>(
          `SELECT * FROM wg_outbox WHERE state = 'sending'
             AND (claimed_by IS NULL OR NOT EXISTS (SELECT 1 FROM wg_workers w WHERE w.holder = wg_outbox.claimed_by))
           ORDER BY seq FOR UPDATE SKIP LOCKED`,
        );
        const out: OutboxRecord[] = [];
        for (const row of rows) {
          const record = recordOf(row);
          const open = (await c.query<{ id: string }>('SELECT id FROM wg_attempts WHERE message_id = $1 AND ended_at IS NULL ORDER BY started_at, id', [record.id])).rows;
          const attemptId = open[0]?.id ?? randomUUID();
          if (open.length === 0) await c.query('INSERT INTO wg_attempts (id, message_id, started_at) VALUES ($1, $2, $3)', [attemptId, record.id, now]);
          for (const extra of open.slice(1)) await attemptEnd(c, now, 'unknown', 'interrupted', extra.id);
          await settleOne(c, record.id, attemptId, { kind: 'unknown', policy: policyFor(record), nextAt: now, reason: 'interrupted while sending: outcome unknown' }, now);
          out.push(await mustGet(c, record.id));
        }
        return out;
      }),

    get: async (id) => {
      const rows = await one<OutboxRow>('SELECT * FROM wg_outbox WHERE id = $1', [id]);
      return rows[0] ? recordOf(rows[0]) : null;
    },

    list: async (filter: ListFilter = {}) => {
      const where: string[] = [];
      const args: unknown[] = [];
      if (filter.states?.length) {
        args.push(filter.states);
        where.push(`state = ANY($${args.length}::text[])`);
      }
      if (filter.account !== undefined) {
        args.push(filter.account);
        where.push(`account = $${args.length}`);
      }
      let sql = `SELECT * FROM wg_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
      if (filter.limit !== undefined) {
        args.push(filter.limit);
        sql += ` LIMIT $${args.length}`;
      }
      return (await one<OutboxRow>(sql, args)).map(recordOf);
    },

    counts: async () => {
      const out = Object.fromEntries(MessageStateSchema.options.map((s) => [s, 0])) as Record<MessageState, number>;
      for (const { state, n } of await one<{ state: MessageState; n: number }>('SELECT state, count(*) AS n FROM wg_outbox GROUP BY state')) out[state] = n;
      return out;
    },

    retry: (id, now, limits, decide) =>
      tx(async (c): Promise<RetryResult> => {
        const seen = await mustGet(c, id);
        // The lane first, then the message: the order admit takes them in.
        await lockLanes(c, [[seen.account, seen.receiverId]]);
        const record = await mustGet(c, id, true);
        if (record.state === 'uncertain') {
          await c.query(
            "UPDATE wg_outbox SET state = 'queued', next_at = $2, reason = 'retried by operator', operator_retries = operator_retries + 1, updated_at = $2 WHERE id = $1",
            [id, now],
          );
          return { status: 'queued', record: await mustGet(c, id) };
        }
        if (record.state !== 'failed') return { status: 'not-retryable', record };
        const verdict = decide(await windowOn(c, record.account, record.receiverId, now, limits));
        if (!verdict.allowed) return { status: 'blocked', record, verdict };
        await takeSlot(c, id, record.account, record.receiverId, now);
        await requeue(c, id, now, 'retried by operator', 0, 0, now);
        return { status: 'queued', record: await mustGet(c, id) };
      }),

    drop: (id, now, reason) =>
      tx(async (c) => {
        const record = await mustGet(c, id, true);
        if (!['queued', 'failed', 'uncertain'].includes(record.state)) {
          throw new Error(`message ${id} is ${record.state}; only queued, failed or uncertain messages can be dropped`);
        }
        if (record.state !== 'uncertain') await releaseSlot(c, id);
        await fail(c, id, 'dropped', reason, 0, 0, now);
        return mustGet(c, id);
      }),

    // Per-worker leases: registering never waits for another worker. Expiry is the server's clock.
    acquireLease: async (r: LeaseRequest) => {
      const rows = await one<WorkerRow>(
        `INSERT INTO wg_workers (holder, host, pid, acquired_at, expires_at) VALUES ($1, $2, $3, ${DB_NOW}, ${DB_NOW} + $4)
         ON CONFLICT (holder) DO UPDATE SET expires_at = EXCLUDED.expires_at RETURNING *`,
        [r.holder, r.host, r.pid, r.ttlMs],
      );
      return { acquired: true, lease: toLease(rows[0]!) };
    },
    renewLease: async (holder, ttlMs) => {
      const rows = await one<WorkerRow>(`UPDATE wg_workers SET expires_at = ${DB_NOW} + $2 WHERE holder = $1 RETURNING *`, [holder, ttlMs]);
      return rows[0] ? toLease(rows[0]) : null;
    },
    releaseLease: async (holder) => {
      await one('DELETE FROM wg_workers WHERE holder = $1', [holder]);
    },
    currentLease: async () => {
      const rows = await one<WorkerRow>(`SELECT * FROM wg_workers WHERE expires_at > ${DB_NOW} ORDER BY expires_at DESC LIMIT 1`);
      return rows[0] ? toLease(rows[0]) : null;
    },
    close: () => {
      void pool.end().catch(() => undefined);
    },
  };
  return withStorageErrors(store, location);
}

/**
 * Makes the schema, or upgrades it, under a transaction-scoped advisory lock: two
 * processes starting at once run it one after the other, the second finding it done.
 * A database whose wg_ tables are not ours, or are newer, is refused untouched.
 */
async function migrate(pool: Pg.Pool, location: string): Promise<void> {
  let c: Client;
  try {
    c = await pool.connect();
  } catch (err) {
    throw toStorageError(err, location, 'connect') ?? err;
  }
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const found = (await c.query<{ meta: string | null; outbox: string | null }>("SELECT to_regclass('wg_meta')::text AS meta, to_regclass('wg_outbox')::text AS outbox")).rows[0]!;
    let version = 0;
    if (found.meta !== null) {
      const meta = new Map((await c.query<{ name: string; value: string }>('SELECT name, value FROM wg_meta')).rows.map((r) => [r.name, r.value]));
      if (meta.get('application') !== APPLICATION) {
        throw new OutboxIdentityError('foreign', location, `cannot open outbox ${location}: not a weibo-guard outbox: its wg_meta table belongs to another application; use another database or schema`);
      }
      version = Number(meta.get('schema_version'));
      if (!(version >= 1)) throw new OutboxIdentityError('foreign', location, `cannot open outbox ${location}: wg_meta holds no schema version`);
      if (version > PG_SCHEMA_VERSION) {
        throw new OutboxIdentityError('newer', location, `cannot open outbox ${location}: it was written by a newer weibo-guard (schema ${version}, this one knows ${PG_SCHEMA_VERSION}); upgrade weibo-guard`);
      }
    } else if (found.outbox !== null) {
      throw new OutboxIdentityError('foreign', location, `cannot open outbox ${location}: not a weibo-guard outbox: it has a wg_outbox table but no wg_meta; use another database or schema`);
    }
    for (; version < PG_SCHEMA_VERSION; version++) await c.query(MIGRATIONS[version]!);
    await c.query(
      "INSERT INTO wg_meta (name, value) VALUES ('application', $1), ('schema_version', $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
      [APPLICATION, String(PG_SCHEMA_VERSION)],
    );
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch((e: Error) => (broken = e));
    if (err instanceof OutboxIdentityError) throw err;
    throw toStorageError(err, location, 'migrate') ?? err;
  } finally {
    c.release(broken);
  }
}

const CONNECTION = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** The SQLSTATE classes (and socket errors) that are the storage's trouble, not a bug. */
function classify(err: unknown): [StorageFailure, string] | null {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : '';
  if (code === '53100') return ['full', 'the server\'s disk is full'];
  if (code === '25006') return ['read-only', 'the server is read-only (a standby, or default_transaction_read_only)'];
  if (code.startsWith('XX')) return ['damaged', 'the server reports damaged data'];
  if (code === '55P03' || code === '57014' || code === '53300' || code === '53200') return ['busy', 'the server is busy (locks, connections or memory)'];
  if (code === '3F000') return ['unavailable', "the schema the URL's search_path names does not exist (create it, or fix options=-c search_path=…)"];
  if (code.startsWith('08') || code.startsWith('57P') || code === '3D000' || code.startsWith('28') || CONNECTION.has(code)) return ['unavailable', 'the server cannot be reached or refused the connection'];
  if (/timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(message)) return ['unavailable', 'the server cannot be reached'];
  if (code === '58030' || code.startsWith('58')) return ['io', 'the server could not read or write its files'];
  return null;
}

function toStorageError(err: unknown, location: string, op: string): StorageError | null {
  if (err instanceof StorageError) return err;
  const c = classify(err);
  if (!c) return null;
  const e = err as { code?: string; message?: string };
  // A driver message names hosts and users, never the password; scrubbed all the same.
  const detail = (e.message ?? '').replace(/(postgres(ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
  return new StorageError(c[0], location, `outbox ${location}: ${c[1]} (${e.code ?? 'error'} in ${op}: ${detail})`, { cause: err });
}

function withStorageErrors(store: OutboxStore, location: string): OutboxStore {
  const wrapped = { ...store } as Record<string, unknown>;
  for (const [name, fn] of Object.entries(store)) {
    if (typeof fn !== 'function' || name === 'close') continue;
    wrapped[name] = (...args: unknown[]) =>
      (fn as (...a: unknown[]) => Promise<unknown>)(...args).catch((err: unknown) => {
        throw toStorageError(err, location, name) ?? err;
      });
  }
  return wrapped as unknown as OutboxStore;
}
