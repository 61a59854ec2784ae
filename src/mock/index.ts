/** Weibo's side of the conversation, for tests and demos: the reply API with faults, the delivery log, signed pushes. */
export {
  startMockServer,
  FaultsSchema,
  MockOptionsSchema,
  PushEventSchema,
  REPLY_PATH,
  type Delivery,
  type Faults,
  type FaultsInput,
  type MockOptions,
  type MockServer,
  type PushEvent,
  type PushOptions,
  type PushResult,
} from './server.js';
