/**
 * `weibo-guard serve` as a library: the push URL, the HTTP API, the worker, health and
 * metrics. Fastify, pino and prom-client load only when a service is started, so an
 * application that only checks messages, or mounts createPushHandler on its own
 * server, never pays for them.
 */
import type { Service, ServiceOptions } from './app.js';

export type { Service, ServiceOptions, Readiness, WorkerState } from './app.js';
export { createPushHandler, type Bot, type BotInfo, type BotReply, type LogSink, type PushHandler, type PushHandlerOptions, type PushRequest, type PushResponse } from './handler.js';
export { parsePush, parseWeiboDate, KNOWN_PUSH_LABELS, type Push, type ParsedPush } from './push.js';
export { pushSignature, verifyPush, type Verification, type VerifyOptions } from './signature.js';
export type { ServeMetrics, OutboxView, CheckSource } from './metrics.js';
export { ServeConfigError, PushFormatError } from './errors.js';

export async function startService(options: ServiceOptions): Promise<Service> {
  return (await import('./app.js')).startService(options);
}
