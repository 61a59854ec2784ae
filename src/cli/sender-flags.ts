import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { firstInvalidByte } from '../text-file.js';
import { Option, type Command } from 'commander';
import { UsageError } from './errors.js';
import { createGate, type Gate } from '../gate.js';
import { parseJsonExact } from '../payload/json.js';
import { createSender, type Sender, type SenderEvent, type SenderOptions } from '../sender/sender.js';
import { DEFAULT_STORE_PATH, MissingDependencyError } from '../sender/sqlite-store.js';
import { DEFAULT_TOKEN_ENV } from '../sender/secrets.js';
import { DEFAULT_ENDPOINT } from '../sender/endpoint.js';
import { OutboxIdentityError, StorageError } from '../sender/store.js';
import { isPostgresUrl } from '../sender/pg-store.js';

/** Flags of the sender commands; read from flags, then env. Each command takes only the groups it uses. */
export interface SenderFlags {
  store?: string;
  endpoint?: string;
  tokenFile?: string;
  accountName?: string;
  /** The deprecated spelling of --account-name (`check --account` is the account kind). */
  account?: string;
  config?: string;
  concurrency?: string;
  storeLimit?: string;
  storePool?: string;
  timeout?: string;
  connectTimeout?: string;
  maxAttempts?: string;
  maxResends?: string;
  lease?: string;
  leaseRenew?: string;
  onUnknown?: string;
  onUnknownMention?: string;
}

/** The outbox: every sender command. */
export function addStoreFlags(cmd: Command): Command {
  return cmd
    .option('--store <path|url>', `outbox: a SQLite file (default ${DEFAULT_STORE_PATH} under the working directory) or a postgres:// URL shared by many instances`)
    .option('--store-limit <bytes>', 'largest size the outbox may grow to; a write past it fails like a full disk (exit 3)')
    .option('--store-pool <n>', 'connections to a PostgreSQL outbox from this process (default 5)');
}

/** The policy: commands that judge a message (send, outbox retry). */
export function addGateFlag(cmd: Command): Command {
  return cmd.option('--config <path>', 'weibo-guard config file for the gate');
}

/**
 * The named business account. `--account` is the account kind (enterprise or personal)
 * in check, explain and a message's context, so the name has its own flag; the old
 * spelling still works, hidden, with a warning.
 */
export function addAccountNameFlag(cmd: Command, what: string): Command {
  return cmd
    .option('--account-name <name>', `named business account ${what} (default: default)`)
    .addOption(new Option('--account <name>', 'deprecated spelling of --account-name').hideHelp());
}

/** The reply API: commands that send (send). */
export function addNetworkFlags(cmd: Command): Command {
  return cmd
    .option('--endpoint <url>', `reply API endpoint, https or loopback http (default $WEIBO_GUARD_ENDPOINT or ${DEFAULT_ENDPOINT})`)
    .option('--token-file <path>', `file holding the access token (default: $${DEFAULT_TOKEN_ENV})`);
}

/** The account name from --account-name, or from the deprecated --account with a one-line warning. */
export function accountNameFrom(flags: SenderFlags, warn: (line: string) => void = (l) => process.stderr.write(l)): string | undefined {
  if (flags.account === undefined) return flags.accountName;
  if (flags.accountName !== undefined && flags.accountName !== flags.account) {
    throw new UsageError(`--account ${JSON.stringify(flags.account)} and --account-name ${JSON.stringify(flags.accountName)} disagree; give only --account-name`);
  }
  warn('weibo-guard: --account NAME is deprecated here, use --account-name NAME (check --account is the account kind, enterprise or personal)\n');
  return flags.account;
}

export function addWorkerFlags(cmd: Command): Command {
  return cmd
    .option('--concurrency <n>', 'receivers served at once (order per receiver is always kept)', '8')
    .option('--timeout <ms>', 'response timeout, from the request sent to the answer; past it the outcome is unknown', '10000')
    .option('--connect-timeout <ms>', 'connect (TCP and TLS) timeout; nothing was sent, so it is retried', '5000')
    .option('--max-attempts <n>', 'attempts before a transiently failing message fails', '8')
    .option('--on-unknown <policy>', 'unknown outcome of an ordinary reply: resend (at-least-once) or hold', 'resend')
    .option('--on-unknown-mention <policy>', 'unknown outcome of a reply to a mention: hold or resend', 'hold')
    .option('--max-resends <n>', 'automatic resends of a message after unknown outcomes, then it is held uncertain', '1')
    .option('--lease <ms>', 'drain lease length: another worker may take over this long after this one stops renewing', '30000')
    .option('--lease-renew <ms>', 'how often the lease is renewed while draining (default: a third of --lease)');
}

function int(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || Number(value) < min) throw new UsageError(`--${flag} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return Number(value);
}

function policy(flag: string, value: string | undefined): 'resend' | 'hold' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'resend' && value !== 'hold') throw new UsageError(`--${flag} must be resend or hold, got ${JSON.stringify(value)}`);
  return value;
}

export function gateFromFlags(flags: SenderFlags): Gate {
  try {
    return createGate(flags.config ? { config: flags.config } : {});
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Builds a sender from flags and env; every problem becomes a UsageError naming the flag. */
export function senderFromFlags(flags: SenderFlags, extra: Partial<Omit<SenderOptions, 'gate'>> & { gate?: Gate } = {}): Sender {
  const gate = extra.gate ?? gateFromFlags(flags);
  const maxAttempts = int('max-attempts', flags.maxAttempts, 1);
  const concurrency = int('concurrency', flags.concurrency, 1);
  const timeoutMs = int('timeout', flags.timeout, 1);
  const connectTimeoutMs = int('connect-timeout', flags.connectTimeout, 1);
  const maxResends = int('max-resends', flags.maxResends, 0);
  const ttlMs = int('lease', flags.lease, 1);
  const renewMs = int('lease-renew', flags.leaseRenew, 1);
  if (ttlMs !== undefined && renewMs !== undefined && renewMs >= ttlMs) {
    throw new UsageError(`--lease-renew (${renewMs} ms) must be shorter than --lease (${ttlMs} ms), or the lease lapses between renewals`);
  }
  const onUnknown = policy('on-unknown', flags.onUnknown);
  const onMention = policy('on-unknown-mention', flags.onUnknownMention);
  const maxBytes = int('store-limit', flags.storeLimit, 1);
  const poolSize = int('store-pool', flags.storePool, 1);
  const where = flags.store ?? gate.policy.config.store ?? DEFAULT_STORE_PATH;
  const onServer = isPostgresUrl(where);
  if (onServer && maxBytes !== undefined) throw new UsageError('--store-limit applies to a SQLite outbox; a PostgreSQL server limits its own size');
  if (!onServer && poolSize !== undefined) throw new UsageError('--store-pool applies to a postgres:// outbox; a SQLite outbox has one connection');
  const account = accountNameFrom(flags);
  try {
    return createSender({
      gate,
      store: { path: where, ...(maxBytes !== undefined ? { maxBytes } : {}), ...(poolSize !== undefined ? { poolSize } : {}) },
      endpoint: flags.endpoint ?? process.env.WEIBO_GUARD_ENDPOINT ?? DEFAULT_ENDPOINT,
      ...(flags.tokenFile !== undefined ? { tokenFile: flags.tokenFile } : {}),
      ...(account !== undefined ? { account } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
      ...(maxAttempts !== undefined ? { retry: { maxAttempts } } : {}),
      ...(onUnknown || onMention || maxResends !== undefined
        ? { unknownOutcome: { default: onUnknown ?? 'resend', mention: onMention ?? 'hold', ...(maxResends !== undefined ? { maxResends } : {}) } }
        : {}),
      ...(ttlMs !== undefined || renewMs !== undefined ? { lease: { ...(ttlMs !== undefined ? { ttlMs } : {}), ...(renewMs !== undefined ? { renewMs } : {}) } } : {}),
      ...extra,
    });
  } catch (err) {
    // The outbox's own failures keep their type: the CLI gives them their own exit code.
    if (err instanceof StorageError || err instanceof OutboxIdentityError || err instanceof MissingDependencyError) throw err;
    throw new UsageError((err as Error).message);
  }
}

/** `--max-skew <ms>` of commands that record inbound events. */
export function skewFromFlag(value: string | undefined): { eventSkewMs?: number } {
  const ms = int('max-skew', value, 0);
  return ms === undefined ? {} : { eventSkewMs: ms };
}

export interface Input {
  /** Name for messages: the file path, or `stdin`. */
  name: string;
  text: string;
}

/**
 * FILE, `-` for stdin, or stdin when no file is given and stdin is not a terminal.
 * Bytes that are not UTF-8 are refused (exit 2, naming line and byte), never turned
 * into U+FFFD and sent.
 */
export async function readInput(file: string | undefined): Promise<Input> {
  let name: string;
  let bytes: Buffer;
  if (file === undefined || file === '-') {
    if (file === undefined && process.stdin.isTTY) throw new UsageError('no input: give a FILE, or - to read stdin');
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    name = 'stdin';
    bytes = Buffer.concat(chunks);
  } else {
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    name = file;
  }
  if (!isUtf8(bytes)) {
    const at = firstInvalidByte(bytes);
    let line = 1;
    for (let nl = bytes.indexOf(10); nl !== -1 && nl < at; nl = bytes.indexOf(10, nl + 1)) line++;
    throw new UsageError(`${name}:${line}: not valid UTF-8 at byte ${at}; save the input as UTF-8`);
  }
  return { name, text: bytes.toString('utf8') };
}

export interface InputRecord {
  /** `file:line` */
  where: string;
  value?: unknown;
  error?: string;
}

/**
 * The input is one JSON document (possibly pretty-printed) or JSON Lines. int64
 * digits are kept exactly. Blank lines are skipped; a bad line is reported with its
 * number and the rest still read.
 */
export function readRecords(input: Input): InputRecord[] {
  const whole = input.text.trim();
  if (whole === '') return [];
  // One document first: JSON.parse stops at the end of the first line of JSONL, so
  // trying it costs at most one more linear pass.
  const one = parseJsonExact(whole);
  if (one.ok) return [{ where: `${input.name}:1`, value: one.value }];
  const out: InputRecord[] = [];
  const lines = input.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const r = parseJsonExact(line);
    out.push(r.ok ? { where: `${input.name}:${i + 1}`, value: r.value } : { where: `${input.name}:${i + 1}`, error: `not JSON: ${r.message}` });
  }
  return out;
}

/** Progress lines for a person watching a long drain; alarms are loud. */
export function eventPrinter(write: (s: string) => void, quiet: boolean): (e: SenderEvent) => void {
  return (e) => {
    if (e.type === 'stopped') write(`weibo-guard: ACCOUNT ${e.account} STOPPED — ${e.reason}. ${e.queued} message(s) stay queued; fix the token and run send again.\n`);
    else if (!quiet && e.type === 'paused') write(`weibo-guard: account ${e.account} rate limited until ${new Date(e.until).toISOString()} (${e.reason})\n`);
    else if (!quiet && e.type === 'recovered') write(`weibo-guard: message ${e.id} was interrupted mid-send; outcome unknown, ${e.policy === 'hold' ? 'held for a person' : 'sending again'}\n`);
    else if (!quiet && (e.type === 'held' || (e.type === 'unknown' && e.policy === 'hold'))) write(`weibo-guard: message ${e.id} is uncertain: ${e.reason}\n`);
    else if (!quiet && e.type === 'waiting') {
      write(`weibo-guard: waiting for the drain lease of pid ${e.lease.pid} on ${e.lease.host} to expire (${new Date(e.lease.expiresAt).toISOString()} unless renewed)\n`);
    }
  };
}
