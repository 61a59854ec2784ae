/**
 * The bundled sender: conversation ledger, durable outbox, worker, and a local mock
 * of the reply API. better-sqlite3 loads only when a SQLite store is created.
 */
export {
  createSender,
  OutboxBusyError,
  SenderInputError,
  SenderSettingsSchema,
  type DrainOptions,
  type DrainReport,
  type EnqueueOptions,
  type EnqueueResult,
  type GateLike,
  type Judgement,
  type Sender,
  type SenderEvent,
  type SenderOptions,
  type SenderSettings,
} from './sender.js';
export { openStore, type StoreSpec } from './open-store.js';
export { createPostgresStore, isPostgresUrl, redactUrl, PG_SCHEMA_VERSION, type PostgresStoreOptions } from './pg-store.js';
export { createSqliteStore, MissingDependencyError, DEFAULT_STORE_PATH, OUTBOX_APPLICATION_ID, OUTBOX_SCHEMA_VERSION, type SqliteStoreOptions } from './sqlite-store.js';
export { LeaseLostError, StorageError, OutboxIdentityError, type StorageFailure, type IdentityProblem } from './store.js';
export type { AdmitRequest, AdmitResult, LaneItem, Lease, LeaseRequest, ListFilter, OutboxStore, RetryResult, Settlement } from './store.js';
export {
  InboundEventSchema,
  InboundKindSchema,
  MessageStateSchema,
  OutboxRecordSchema,
  UnknownOutcomeSchema,
  type InboundEvent,
  type InboundEventInput,
  type InboundKind,
  type MessageState,
  type OutboxRecord,
  type UnknownOutcome,
  type UnknownOutcomePolicy,
} from './schemas.js';
export { windowOf, OPENERS, type LaneEvents } from './ledger.js';
export { createDispatcher, decodeAnswer, encodeReply, postReply, ReplyErrorSchema, ReplySuccessSchema, type Decoded } from './api.js';
export { kindOf, KNOWN_CODES, WeiboApiError, type ErrorKind } from './errors.js';
export { backoffMs, RetrySchema, type RetrySettings } from './backoff.js';
export { checkEndpoint, isLoopback, DEFAULT_ENDPOINT } from './endpoint.js';
export { tokenSource, Redactor, DEFAULT_TOKEN_ENV, type TokenOptions, type TokenHook } from './secrets.js';
