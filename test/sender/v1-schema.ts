/** The first outbox schema, as weibo-guard 0.1.0 wrote it (no application_id, user_version 0). */
export const V1_SCHEMA = `
CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, key TEXT UNIQUE, account TEXT NOT NULL, receiver_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, save_sender_box INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, unknown_outcomes INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, reason TEXT, mention INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, sent_at INTEGER);
CREATE INDEX outbox_state ON outbox(state, seq);
CREATE TABLE attempts (id TEXT PRIMARY KEY, message_id TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER, outcome TEXT, detail TEXT);
CREATE INDEX attempts_message ON attempts(message_id);
CREATE TABLE inbound (dedupe TEXT PRIMARY KEY, account TEXT NOT NULL, sender TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX inbound_lane ON inbound(account, sender, kind, at);
CREATE TABLE slots (message_id TEXT PRIMARY KEY, account TEXT NOT NULL, receiver_id TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX slots_lane ON slots(account, receiver_id, at);
CREATE TABLE worker (name TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, since INTEGER NOT NULL);
`;

/** Schema 2, as the build with the outbox identity but before the drain lease wrote it. */
export const V2_SCHEMA = `
CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, key TEXT UNIQUE, account TEXT NOT NULL, receiver_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, save_sender_box INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, unknown_outcomes INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, reason TEXT, mention INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, sent_at INTEGER);
CREATE INDEX outbox_state ON outbox(state, seq);
CREATE TABLE attempts (id TEXT PRIMARY KEY, message_id TEXT NOT NULL, started_at INTEGER NOT NULL, ended_at INTEGER, outcome TEXT, detail TEXT);
CREATE INDEX attempts_message ON attempts(message_id);
CREATE TABLE inbound (dedupe TEXT PRIMARY KEY, account TEXT NOT NULL, sender TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL, recorded_at INTEGER, effective_at INTEGER NOT NULL DEFAULT 0);
CREATE INDEX inbound_effective ON inbound(account, sender, kind, effective_at);
CREATE TABLE slots (message_id TEXT PRIMARY KEY, account TEXT NOT NULL, receiver_id TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX slots_lane ON slots(account, receiver_id, at);
CREATE TABLE worker (name TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, since INTEGER NOT NULL);
PRAGMA application_id = 1464291138;
PRAGMA user_version = 2;
`;

/** Schema 1 as the build with the drain lease but before the outbox identity wrote it: no application_id, `lease` instead of `worker`. */
export const V1_LEASE_SCHEMA = V1_SCHEMA.replace(
  'CREATE TABLE worker (name TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, since INTEGER NOT NULL);',
  'CREATE TABLE lease (name TEXT PRIMARY KEY, holder TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, acquired_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);',
).replace('unknown_outcomes INTEGER NOT NULL DEFAULT 0,', 'unknown_outcomes INTEGER NOT NULL DEFAULT 0, operator_retries INTEGER NOT NULL DEFAULT 0,');
