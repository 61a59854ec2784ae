import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_TOKEN_ENV } from '../sender/secrets.js';
import { startMockServer, type FaultsInput } from '../sender/mock-server.js';
import { UsageError } from './errors.js';

interface MockFlags {
  port: string;
  token?: string;
  tokenFile?: string;
  log?: string;
  openWindows?: boolean;
  quota?: string;
  fail5xx?: string;
  fail504?: string;
  slow?: string;
  drop?: string;
  dropAfter?: string;
  rateLimit?: string;
  retryAfter?: string;
  expiredToken?: boolean;
  errorCode?: string;
  seed?: string;
  pushTo?: string;
  appSecretFile?: string;
}

const share = z.coerce.number().min(0).max(1);
const count = z.coerce.number().int().nonnegative();

/**
 * `weibo-guard mock-server`: the reply endpoint on 127.0.0.1, with Weibo's checks,
 * answers and injectable faults. Admin routes: POST /__mock/inbound (an event),
 * POST /__mock/push (an event signed and pushed to --push-to), POST /__mock/faults,
 * GET /__mock/deliveries.
 */
export function register(program: Command): void {
  program
    .command('mock-server')
    .description('serve a local Weibo reply API on 127.0.0.1 for tests and demos')
    .option('--port <n>', 'port (0: any free one)', '0')
    .option('--token <token>', `the token it accepts (default: --token-file, else $${DEFAULT_TOKEN_ENV})`)
    .option('--token-file <path>', 'file holding the token it accepts')
    .option('--log <file>', 'append every delivery to this JSONL file')
    .option('--open-windows', 'answer every receiver (default: a receiver needs an inbound event, POST /__mock/inbound)')
    .option('--quota <n>', 'replies per 48-hour window')
    .option('--fail-5xx <share>', 'share of requests answered 503')
    .option('--fail-504 <share>', 'share of requests delivered, then answered 504 by a "gateway"')
    .option('--slow <ms>', 'deliver, then wait this long before answering')
    .option('--drop <share>', 'share of connections dropped before the request is read')
    .option('--drop-after <share>', 'share of requests delivered, then dropped without an answer')
    .option('--rate-limit <share>', 'share of requests answered 429 / 10023')
    .option('--retry-after <s>', 'Retry-After seconds on a rate limit')
    .option('--expired-token', 'answer every request 21327 expired_token')
    .option('--error-code <code>', 'answer every request with this Weibo error code')
    .option('--seed <n>', 'seed of the fault draws')
    .option('--push-to <url>', "play Weibo's pushes: POST /__mock/push {type, sender_id, text, data} signs the event and sends it to this URL (weibo-guard serve's /weibo/push)")
    .option('--app-secret-file <path>', 'file holding the App Secret pushes are signed with (default: $WEIBO_GUARD_APP_SECRET)')
    .action(async (flags: MockFlags) => {
      const token = flags.token ?? (flags.tokenFile ? readToken(flags.tokenFile) : process.env[DEFAULT_TOKEN_ENV]);
      if (!token) throw new UsageError(`mock-server needs the token it should accept: --token, --token-file or $${DEFAULT_TOKEN_ENV}`);
      const faults: FaultsInput = {
        ...(flags.fail5xx !== undefined ? { unavailable: num('--fail-5xx', share, flags.fail5xx) } : {}),
        ...(flags.fail504 !== undefined ? { gatewayTimeout: num('--fail-504', share, flags.fail504) } : {}),
        ...(flags.slow !== undefined ? { slowMs: num('--slow', count, flags.slow) } : {}),
        ...(flags.drop !== undefined ? { dropBefore: num('--drop', share, flags.drop) } : {}),
        ...(flags.dropAfter !== undefined ? { dropAfter: num('--drop-after', share, flags.dropAfter) } : {}),
        ...(flags.rateLimit !== undefined ? { rateLimit: num('--rate-limit', share, flags.rateLimit) } : {}),
        ...(flags.retryAfter !== undefined ? { retryAfterSeconds: num('--retry-after', count, flags.retryAfter) } : {}),
        ...(flags.expiredToken ? { expiredToken: true } : {}),
        ...(flags.errorCode !== undefined ? { errorCode: num('--error-code', count, flags.errorCode) } : {}),
        ...(flags.seed !== undefined ? { seed: num('--seed', count, flags.seed) } : {}),
      };
      const appSecret = flags.appSecretFile ? readToken(flags.appSecretFile) : process.env.WEIBO_GUARD_APP_SECRET?.trim();
      if (flags.pushTo !== undefined && !appSecret) throw new UsageError('--push-to needs the App Secret to sign with: --app-secret-file or $WEIBO_GUARD_APP_SECRET');
      if (flags.pushTo !== undefined && !URL.canParse(flags.pushTo)) throw new UsageError(`--push-to ${JSON.stringify(flags.pushTo)} is not a URL`);
      const mock = await startMockServer({
        token,
        port: num('--port', count, flags.port),
        windows: flags.openWindows ? 'open' : 'enforce',
        faults,
        ...(flags.quota !== undefined ? { quota: num('--quota', count, flags.quota) } : {}),
        ...(flags.log !== undefined ? { log: flags.log } : {}),
        ...(flags.pushTo !== undefined ? { pushTo: flags.pushTo, appSecret } : {}),
      }).catch((err: Error) => {
        throw new UsageError(`mock-server cannot listen: ${err.message}`);
      });
      process.stdout.write(`${mock.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void mock.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      process.stderr.write(`mock-server: ${mock.stats.requests} requests, ${mock.deliveries.length} delivered\n`);
    });
}

function num(flag: string, schema: z.ZodType<number>, value: string): number {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${flag} ${JSON.stringify(value)}: ${r.error.issues[0]!.message}`);
  return r.data;
}

function readToken(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`cannot read token file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
