/**
 * weibo-guard's main API: `createGate()` once, then `gate.check(message, context)`
 * before anything is sent. Everything a front door needs to format findings is
 * exported with its type.
 */
export * from './findings.js';
export * from './context.js';
export type * from './links/types.js';
export { createGate, looksLikePayload, ContextError, type Gate, type GateOptions } from './gate.js';
export { loadPolicy, PolicyError, classifyLink, expiredEntryFor, type Policy, type PolicyWarning, type LinkDecision, type LoadPolicyOptions } from './policy/index.js';
export { findLinks, canonicalize } from './links/index.js';
export { RULES, RULE_IDS, RuleIdSchema, RuleDefSchema, isRuleId, familyOf, ruleDoc, type RuleDef, type RuleDoc, type RuleFamily, type RuleOrigin } from './registry.js';
export {
  PayloadSchema,
  TextDataSchema,
  ArticlesDataSchema,
  ArticleSchema,
  PositionDataSchema,
  ReceiverIdSchema,
  type Payload,
  type PayloadInput,
  type PayloadType,
  type Article,
  type TextData,
  type ArticlesData,
  type PositionData,
} from './payload/schema.js';
export { parseMessage, messageFromText, type ParsedMessage } from './payload/parse.js';
export { parseJsonExact } from './payload/json.js';
export { textUnits, textHalfUnits, type TextUnit } from './payload/units.js';
// The sender: better-sqlite3 loads only when a store is created, so importing the
// gate alone never pulls in the native module.
export {
  createSender,
  createSqliteStore,
  createPostgresStore,
  MissingDependencyError,
  OutboxBusyError,
  LeaseLostError,
  OutboxIdentityError,
  SenderInputError,
  StorageError,
  WeiboApiError,
  type Sender,
  type SenderOptions,
  type EnqueueResult,
  type DrainReport,
  type OutboxStore,
  type InboundEventInput,
} from './sender/index.js';
// Weibo's side, for tests and demos: the reply API, pushes, signatures.
export { startMockServer, type MockServer, type MockOptions } from './mock/server.js';
// The service (`weibo-guard serve`); Fastify and pino load only with it.
export { startService, createPushHandler, parsePush, pushSignature, verifyPush, ServeConfigError, PushFormatError, type Service, type ServiceOptions, type Bot, type BotReply, type Push, type PushHandler, type PushRequest, type PushResponse } from './serve/index.js';
