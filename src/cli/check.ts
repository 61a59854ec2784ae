import { Option, type Command } from 'commander';
import { createReadStream, fstatSync, openSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { AccountSchema, ChannelSchema, type ContextInput } from '../context.js';
import { verdictOf, type Verdict } from '../findings.js';
import { ContextError, createGate, type Gate } from '../gate.js';
import { PolicyError } from '../policy/index.js';
import { parseJsonExact } from '../payload/json.js';
import { stringAt } from '../payload/parse.js';
import { finding } from '../checks/finding.js';
import { UsageError, exitCodes } from './errors.js';
import { formatVerdict, wantsColor } from './format.js';

export interface CheckCommandOptions {
  jsonl?: boolean;
  format?: 'text' | 'json';
  account?: ContextInput['account'];
  channel?: ContextInput['channel'];
  paidLinks?: boolean;
  config?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('check')
    .description('Judge one reply message (JSON as the API takes it), or one per line with --jsonl. Exit 0 allowed, 1 blocked, 2 usage error.')
    .argument('[file]', 'message file; "-" or nothing reads stdin')
    .option('--jsonl', 'one message per line (a message, or {"message": …, "context": {…}}); prints one verdict per line')
    .addOption(new Option('--format <format>', 'output for a single message (default: text on a terminal, else json)').choices(['text', 'json']))
  addContextOptions(cmd, 'the message');
  cmd.option('--config <file>', 'project config (default: weibo-guard.config.{json,yaml,yml} in the current folder)')
    .action(async (file: string | undefined, options: CheckCommandOptions) => {
      process.exitCode = await runCheck(file, options, { stdin: process.stdin, stdout: process.stdout });
    });
}

export interface Io {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
}

/** Loads policy for a command; a broken policy file is the user's to fix (exit 2, `file:line: …`). */
export function gateFor(config: string | undefined): Gate {
  try {
    return createGate(config ? { config } : {});
  } catch (err) {
    if (err instanceof PolicyError) throw new UsageError(`policy is invalid:\n${err.message}`);
    throw err;
  }
}

/** The context flags every judging command takes; `what` says what is being sent. */
export function addContextOptions(command: Command, what: string): Command {
  return command
    .addOption(new Option('--account <account>', 'sending account').choices(AccountSchema.options))
    .addOption(new Option('--channel <channel>', `where ${what} goes`).choices(ChannelSchema.options))
    .option('--paid-links', 'a personal account that pays for links');
}

export function contextFrom(options: Pick<CheckCommandOptions, 'account' | 'channel' | 'paidLinks'>): ContextInput | undefined {
  const ctx: ContextInput = {};
  if (options.account) ctx.account = options.account;
  if (options.channel) ctx.channel = options.channel;
  if (options.paidLinks) ctx.paidLinks = true;
  return Object.keys(ctx).length > 0 ? ctx : undefined;
}

export async function runCheck(file: string | undefined, options: CheckCommandOptions, io: Io): Promise<number> {
  if (options.jsonl && options.format === 'text') throw new UsageError('--format text is for a single message; --jsonl always prints JSON verdicts');
  const gate = gateFor(options.config);
  const context = contextFrom(options);
  const fromStdin = file === undefined || file === '-';
  if (options.jsonl) {
    const input = fromStdin ? io.stdin : openStream(file);
    return checkLines(gate, input, io.stdout, context, fromStdin ? 'stdin' : file);
  }
  const body = fromStdin ? await readAll(io.stdin) : readFile(file);
  if (!/\S/.test(body)) throw new UsageError(`${fromStdin ? 'stdin' : file} is empty; expected one JSON message (or use --jsonl)`);
  const verdict = gate.check(body, context);
  const format = options.format ?? (io.stdout.isTTY ? 'text' : 'json');
  const out = format === 'json' ? JSON.stringify(verdict) : formatVerdict(verdict, (path) => stringAt(body, path), { color: wantsColor(io.stdout) });
  io.stdout.write(`${out}\n`);
  return verdict.allowed ? exitCodes.ok : exitCodes.findings;
}

function readFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

async function readAll(stream: Readable): Promise<string> {
  stream.setEncoding('utf8');
  let text = '';
  for await (const chunk of stream) text += chunk as string;
  return text;
}

/** Opens a file as a stream, failing early (exit 2, naming the file) when it cannot be read. */
function openStream(file: string): Readable {
  let fd: number;
  try {
    fd = openSync(file, 'r');
    if (fstatSync(fd).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return createReadStream(file, { fd, encoding: 'utf8' });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One verdict per input line, in order, written as it goes. readline over the stream
 * keeps memory flat; `write` returning false waits for 'drain' so a slow reader
 * (a pipe into less) never makes us buffer the whole output.
 */
export async function checkLines(gate: Gate, input: Readable, output: Writable, context: ContextInput | undefined, name: string): Promise<number> {
  let blocked = false;
  let lineNo = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      lineNo++;
      const verdict = judgeLine(gate, line, lineNo, context);
      if (!verdict.allowed) blocked = true;
      if (!output.write(`${JSON.stringify(verdict)}\n`)) await once(output, 'drain');
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.syscall === 'read' || e.code?.startsWith('E')) throw new UsageError(`cannot read ${name} after line ${lineNo}: ${e.code ?? e.message}`);
    throw err;
  }
  return blocked ? exitCodes.findings : exitCodes.ok;
}

function lineFinding(rule: string, lineNo: number, en: string, zh: string): Verdict {
  return verdictOf([finding(rule, 'error', { en: `line ${lineNo}: ${en}`, zh: `第 ${lineNo} 行：${zh}` }, '', { evidence: { detail: `line ${lineNo}` } })]);
}

export function judgeLine(gate: Gate, line: string, lineNo: number, context: ContextInput | undefined): Verdict {
  if (line.trim() === '') return lineFinding('payload/invalid-json', lineNo, 'empty line, expected a message', '空行，应为一条消息');
  // A byte-order mark (first line of a file saved on Windows) is not part of the JSON.
  const parsed = parseJsonExact(lineNo === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
  if (!parsed.ok) return lineFinding('payload/invalid-json', lineNo, `not valid JSON: ${parsed.message}`, `不是有效的 JSON：${parsed.message}`);
  const value = parsed.value;
  // {"message": …, "context": {…}} wraps a message; a bare message has a type.
  if (isRecord(value) && 'message' in value && !('type' in value)) {
    const extra = Object.keys(value).filter((k) => k !== 'message' && k !== 'context');
    if (extra.length > 0) return lineFinding('payload/invalid-json', lineNo, `unknown key "${extra[0]}" next to "message" (expected only message and context)`, `“message”旁有未知字段“${extra[0]}”（只允许 message 和 context）`);
    if (value.context !== undefined && !isRecord(value.context)) return lineFinding('context/invalid', lineNo, 'context must be an object', 'context 必须是对象');
    const lineContext = { ...(context ?? {}), ...((value.context as ContextInput | undefined) ?? {}) };
    try {
      return gate.check(value.message, lineContext);
    } catch (err) {
      if (err instanceof ContextError) return lineFinding('context/invalid', lineNo, err.message, err.message);
      throw err;
    }
  }
  return gate.check(value, context);
}
