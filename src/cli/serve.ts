import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tokenSource } from '../sender/secrets.js';
import { ServeConfigError } from '../serve/errors.js';
import { checkExposure } from '../serve/exposure.js';
import type { Bot } from '../serve/handler.js';
import { addAccountNameFlag, addGateFlag, addNetworkFlags, addStoreFlags, addWorkerFlags, gateFromFlags, senderFromFlags, type SenderFlags } from './sender-flags.js';
import { exitCodes, UsageError } from './errors.js';

interface ServeFlags extends SenderFlags {
  host: string;
  port: string;
  appSecretFile?: string;
  apiTokenFile?: string;
  handler?: string;
  pushMaxSkew: string;
  passiveWithin: string;
  shutdownTimeout: string;
  logLevel: string;
}

export const APP_SECRET_ENV = 'WEIBO_GUARD_APP_SECRET';
export const API_TOKEN_ENV = 'WEIBO_GUARD_API_TOKEN';
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * `weibo-guard serve`: the URL Weibo pushes to, the HTTP API (/v1/check,
 * /v1/messages), the outbox worker, /healthz, /readyz and /metrics in one process.
 * Prints its base URL as the first line of stdout; logs are JSON lines on stderr.
 */
export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description("serve Weibo's push URL, the check and message API, the outbox worker, health and metrics")
    .option('--host <address>', 'address to listen on; any but loopback needs an API token', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one)', '8080')
    .option('--app-secret-file <path>', `file holding the App Secret that signs Weibo's pushes (default: $${APP_SECRET_ENV}); without one every push is refused`)
    .option('--api-token-file <path>', `file holding the Bearer token of /v1/* (default: $${API_TOKEN_ENV})`)
    .option('--handler <module>', 'JavaScript module whose default export (or onPush) receives each push and may return a reply')
    .option('--push-max-skew <ms>', "refuse a push whose signed timestamp is further than this from this clock (replays)", '300000')
    .option('--passive-within <ms>', "a handler reply ready this soon may be answered in the push response itself (when the handler asks)", '1500')
    .option('--shutdown-timeout <ms>', 'on SIGTERM/SIGINT, finish in-flight requests and sends within this long', '10000')
    .option('--log-level <level>', `${LEVELS.join(', ')}`, 'info');
  addWorkerFlags(addGateFlag(addAccountNameFlag(addNetworkFlags(addStoreFlags(cmd)), 'replies are sent as and pushes recorded for'))).action(async (flags: ServeFlags) => {
    const port = int('port', flags.port, 0, 65535);
    const pushMaxSkewMs = int('push-max-skew', flags.pushMaxSkew, 0);
    const passiveWithinMs = int('passive-within', flags.passiveWithin, 0);
    const shutdownTimeoutMs = int('shutdown-timeout', flags.shutdownTimeout, 1);
    if (!LEVELS.includes(flags.logLevel)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(flags.logLevel)}`);
    const appSecret = secret('--app-secret-file', flags.appSecretFile, APP_SECRET_ENV);
    const apiToken = secret('--api-token-file', flags.apiTokenFile, API_TOKEN_ENV);
    try {
      // Before the policy loads: a refused start says so at once.
      checkExposure(flags.host, apiToken);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const bot = flags.handler !== undefined ? await loadBot(flags.handler) : undefined;
    const gate = gateFromFlags(flags);
    const secrets: string[] = [];
    try {
      secrets.push(await tokenSource(flags.tokenFile !== undefined ? { tokenFile: flags.tokenFile } : {})('default'));
    } catch {
      // No token yet: the worker reports it (account stopped) when it first sends.
    }
    if (appSecret === undefined) process.stderr.write(`weibo-guard serve: no App Secret (--app-secret-file or $${APP_SECRET_ENV}): every push to /weibo/push is refused\n`);
    // Loaded only here: Fastify and pino are for this command alone.
    const { startService } = await import('../serve/app.js');
    let service;
    try {
      service = await startService({
        gate,
        sender: (onEvent) => senderFromFlags(flags, { onEvent }),
        host: flags.host,
        port,
        ...(appSecret !== undefined ? { appSecret } : {}),
        ...(apiToken !== undefined ? { apiToken } : {}),
        ...(bot ? { bot } : {}),
        logLevel: flags.logLevel,
        secrets,
        pushMaxSkewMs,
        passiveWithinMs,
        shutdownTimeoutMs,
      });
    } catch (err) {
      if (err instanceof ServeConfigError) throw new UsageError(err.message);
      throw err;
    }
    process.stdout.write(`${service.url}\n`);
    const { clean } = await new Promise<{ clean: boolean }>((done) => {
      const stop = (signal: NodeJS.Signals) => {
        process.stderr.write(`weibo-guard serve: ${signal}: no new requests; finishing the ones in flight and the sends under way\n`);
        void service.close().then(done);
      };
      process.once('SIGINT', stop).once('SIGTERM', stop);
    });
    process.exitCode = clean ? exitCodes.ok : exitCodes.findings;
  });
}

function int(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** A secret from its file, else its env var; never from a flag's value (shell history). */
function secret(flag: string, file: string | undefined, env: string): string | undefined {
  let value: string | undefined;
  if (file !== undefined) {
    try {
      value = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new UsageError(`${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (value === '') throw new UsageError(`${flag}: ${file} is empty`);
    return value;
  }
  value = process.env[env]?.trim();
  return value === '' ? undefined : value;
}

async function loadBot(spec: string): Promise<Bot> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolve(spec)).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`--handler ${spec}: cannot load: ${(err as Error).message}`);
  }
  const fn = typeof mod.default === 'function' ? mod.default : mod.onPush;
  if (typeof fn !== 'function') throw new UsageError(`--handler ${spec}: exports no function (export default function, or export function onPush)`);
  return fn as Bot;
}
