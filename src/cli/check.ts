import { Option, type Command } from 'commander';
import { createReadStream, fstatSync, openSync } from 'node:fs';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { AccountSchema, ChannelSchema, type ContextInput } from '../context.js';
import { finding, verdictOf, type RuleId, type Verdict } from '../findings.js';
import { ContextError, createGate, type Gate } from '../gate.js';
import { PolicyError } from '../policy/index.js';
import { parseJsonExact, type DuplicateKey } from '../payload/json.js';
import { JsonMessage, duplicateKeyFinding, stringAt } from '../payload/parse.js';
import { capFindings, noteFindings } from '../checks/finding.js';
import { UsageError, exitCodes } from './errors.js';
import { formatPolicyWarnings, formatVerdict, wantsColor } from './format.js';
import { decodeUtf8, jsonErrorOffset, lineColumn } from './input-text.js';

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
    .option('--jsonl', 'one message per line (a message, or {"message": …, "context": {…}}); prints one verdict per non-blank line, naming the line; blank lines are skipped')
    .addOption(new Option('--format <format>', 'output for a single message (default: text on a terminal, else json)').choices(['text', 'json']))
  addContextOptions(cmd, 'the message');
  cmd.option('--config <file>', 'project config (default: weibo-guard.config.{json,yaml,yml} in the current folder)')
    .action(async (file: string | undefined, options: CheckCommandOptions) => {
      process.exitCode = await runCheck(file, options, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    });
}

export interface Io {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  /** Where the policy's warnings go, once per run; left out, they are not said. */
  stderr?: Writable & { isTTY?: boolean };
}

/** Says the policy's warnings on the command's stderr, once: call right after loading the gate. */
export function sayPolicyWarnings(gate: Gate, io: Pick<Io, 'stderr'>): void {
  if (io.stderr && gate.policy.warnings.length > 0) io.stderr.write(formatPolicyWarnings(gate.policy.warnings, wantsColor(io.stderr)));
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
  sayPolicyWarnings(gate, io);
  const context = contextFrom(options);
  const fromStdin = file === undefined || file === '-';
  if (options.jsonl) {
    const input = fromStdin ? io.stdin : openStream(file);
    return checkLines(gate, input, io.stdout, context, fromStdin ? 'stdin' : file);
  }
  const max = lineLimit(gate);
  const name = fromStdin ? 'stdin' : file;
  const bytes = await readBounded(fromStdin ? io.stdin : openStream(file), max, name);
  const format = options.format ?? (io.stdout.isTTY ? 'text' : 'json');
  if (!Buffer.isBuffer(bytes)) {
    const verdict = verdictOf([
      finding(
        'payload/too-large',
        'error',
        { en: `Message is ${bytes.tooLong} bytes, over ${max} (twice limits.message.maxBytes); it was not read`, zh: `消息大小为 ${bytes.tooLong} 字节，超过 ${max} 字节（limits.message.maxBytes 的两倍），未读取` },
        '',
        { evidence: { detail: `limits.message.maxBytes: ${gate.policy.limits.message.maxBytes}` } },
      ),
    ]);
    io.stdout.write(`${format === 'json' ? JSON.stringify(verdict) : formatVerdict(verdict, () => undefined, { color: wantsColor(io.stdout) })}\n`);
    return exitCodes.findings;
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) throw new UsageError(`${name}: not valid UTF-8 at byte ${decoded.byte}; save the message as UTF-8`);
  // A byte-order mark (a file saved on Windows) is not part of the message.
  const body = decoded.text.charCodeAt(0) === 0xfeff ? decoded.text.slice(1) : decoded.text;
  if (!/\S/.test(body)) throw new UsageError(`${name} is empty; expected one JSON message (or use --jsonl)`);
  // Input that cannot be read as a message is a usage error (exit 2) naming where, not a verdict.
  // A form body (type=…&data=…) is the gate's to read.
  let message: string | JsonMessage = body;
  if (!FORM_BODY.test(body)) {
    const parsed = parseJsonExact(body);
    if (!parsed.ok) {
      const at = lineColumn(body, jsonErrorOffset(body));
      throw new UsageError(`${name}:${at.line}:${at.column}: not valid JSON: ${parsed.message}`);
    }
    message = new JsonMessage(parsed.value, body, parsed.duplicates);
  }
  const verdict = gate.check(message, context);
  const out = format === 'json' ? JSON.stringify(verdict) : formatVerdict(verdict, (path) => stringAt(body, path), { color: wantsColor(io.stdout) });
  io.stdout.write(`${out}\n`);
  return verdict.allowed ? exitCodes.ok : exitCodes.findings;
}

/** What the gate reads as a form body rather than JSON (see messageFromText). */
const FORM_BODY = /^[\w%.+-]+=/;

/** The whole input when at most `max` bytes, else only its length: a huge file is counted, never held. */
async function readBounded(stream: Readable, max: number, name: string): Promise<Buffer | TooLong> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
      size += buf.length;
      if (size <= max) parts.push(buf);
      else parts.length = 0;
    }
  } catch (err) {
    throw new UsageError(`cannot read ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return size > max ? { tooLong: size } : Buffer.concat(parts, size);
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
  return createReadStream(file, { fd });
}

/** A line longer than this many bytes is skipped, not read; see lineLimit. */
export type TooLong = { tooLong: number };
/** A line whose bytes are not UTF-8: the offset, in the line, of the first bad byte. */
export type NotUtf8 = { notUtf8: number };

/**
 * The longest line judged: twice the largest message, so a message that fits still
 * fits inside its `{"message": …, "context": …}` wrapper. A longer line cannot hold an
 * acceptable message, and the gate refuses one above maxBytes anyway.
 */
export const lineLimit = (gate: Gate): number => 2 * gate.policy.limits.message.maxBytes;

/**
 * The lines of a byte stream, split on LF (a CR before it is dropped), each decoded as
 * UTF-8 once it is whole. A line over `maxBytes` is not kept: the rest of it is only
 * counted, and it is yielded as its byte length, so a 2 GB line costs no more memory
 * than a short one. A line that is not strict UTF-8 is yielded as where it goes wrong,
 * never decoded to U+FFFD.
 */
export async function* boundedLines(input: Readable, maxBytes: number): AsyncGenerator<string | TooLong | NotUtf8> {
  let parts: Buffer[] = [];
  let size = 0;
  let over = false;
  const decode = (b: Buffer): string | NotUtf8 => {
    const d = decodeUtf8(b);
    return d.ok ? d.text : { notUtf8: d.byte };
  };
  const finish = (): string | TooLong | NotUtf8 => {
    const line: string | TooLong | NotUtf8 = over ? { tooLong: size } : decode(Buffer.concat(parts, size));
    parts = [];
    size = 0;
    over = false;
    return typeof line === 'string' && line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  for await (const chunk of input) {
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    let at = 0;
    while (at < buf.length) {
      const nl = buf.indexOf(10, at);
      const end = nl === -1 ? buf.length : nl;
      if (nl !== -1 && size === 0 && end - at <= maxBytes) {
        // The usual case, a whole line inside one chunk: decoded in place, nothing copied.
        const line = decode(buf.subarray(at, end > at && buf[end - 1] === 13 ? end - 1 : end));
        at = nl + 1;
        yield line;
        continue;
      }
      if (!over) {
        if (size + end - at > maxBytes) {
          over = true;
          parts = [];
        } else parts.push(buf.subarray(at, end));
      }
      size += end - at;
      if (nl === -1) break;
      yield finish();
      at = nl + 1;
    }
  }
  // The last line needs no newline; an input ending in one has no empty line after it.
  if (size > 0) yield finish();
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One verdict per non-blank input line, in order, written as it goes, each naming its
 * line (`{"line": 3, "allowed": …, "findings": […]}`). Lines are read with a
 * length limit (boundedLines), so memory stays flat whatever a line holds; `write`
 * returning false waits for 'drain' so a slow reader (a pipe into less) never makes
 * us buffer the whole output.
 */
export async function checkLines(gate: Gate, input: Readable, output: Writable, context: ContextInput | undefined, name: string): Promise<number> {
  let blocked = false;
  let lineNo = 0;
  const max = lineLimit(gate);
  try {
    for await (const line of boundedLines(input, max)) {
      lineNo++;
      // Blank lines are skipped, as by every command that reads JSON Lines; `line` pairs each verdict with its input line.
      if (typeof line === 'string' && line.trim() === '') continue;
      const verdict =
        typeof line === 'string'
          ? judgeLine(gate, line, lineNo, context)
          : 'notUtf8' in line
            ? lineFinding('payload/invalid-json', lineNo, `not valid UTF-8 at byte ${line.notUtf8} of the line; save the input as UTF-8`, `第 ${line.notUtf8} 字节起不是有效的 UTF-8，请以 UTF-8 保存输入`)
            : lineFinding('payload/too-large', lineNo, `${line.tooLong} bytes long, over the ${max}-byte limit for a line (twice limits.message.maxBytes); skipped without being read`, `长 ${line.tooLong} 字节，超过每行 ${max} 字节的上限（limits.message.maxBytes 的两倍），未读取即跳过`);
      if (!verdict.allowed) blocked = true;
      if (!output.write(`${JSON.stringify({ line: lineNo, ...verdict })}\n`)) await once(output, 'drain');
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.syscall === 'read' || e.code?.startsWith('E')) throw new UsageError(`cannot read ${name} after line ${lineNo}: ${e.code ?? e.message}`);
    throw err;
  }
  return blocked ? exitCodes.findings : exitCodes.ok;
}

function lineFinding(rule: RuleId, lineNo: number, en: string, zh: string): Verdict {
  return verdictOf([finding(rule, 'error', { en: `line ${lineNo}: ${en}`, zh: `第 ${lineNo} 行：${zh}` }, '', { evidence: { detail: `line ${lineNo}` } })]);
}

export function judgeLine(gate: Gate, line: string, lineNo: number, context: ContextInput | undefined): Verdict {
  // A byte-order mark (first line of a file saved on Windows) is not part of the JSON.
  const text = lineNo === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
  const parsed = parseJsonExact(text);
  if (!parsed.ok) {
    const column = lineColumn(text, jsonErrorOffset(text)).column;
    // V8's reason is English; the Chinese message says where instead.
    return lineFinding('payload/invalid-json', lineNo, `not valid JSON (column ${column}): ${parsed.message}`, `第 ${column} 列起不是有效的 JSON`);
  }
  const value = parsed.value;
  // {"message": …, "context": {…}} wraps a message; a bare message has a type.
  if (isRecord(value) && 'message' in value && !('type' in value)) {
    const extra = Object.keys(value).filter((k) => k !== 'message' && k !== 'context');
    if (extra.length > 0) return lineFinding('payload/invalid-json', lineNo, `unknown key "${extra[0]}" next to "message" (expected only message and context)`, `“message”旁有未知字段“${extra[0]}”（只允许 message 和 context）`);
    if (value.context !== undefined && !isRecord(value.context)) return lineFinding('context/invalid', lineNo, 'context must be an object', 'context 必须是对象');
    const lineContext = { ...(context ?? {}), ...((value.context as ContextInput | undefined) ?? {}) };
    try {
      return judgeWrapped(gate, text, value.message, parsed.duplicates, lineContext);
    } catch (err) {
      // The gate's reason (zod's) is English; the Chinese message names the field.
      if (err instanceof ContextError) return lineFinding('context/invalid', lineNo, err.message, `上下文字段 ${/^(context[\w.]*)/.exec(err.message)?.[1] ?? 'context'} 无效`);
      throw err;
    }
  }
  // Handed over as read, so the gate sees the line's duplicate keys and their columns.
  return gate.check(new JsonMessage(value, text, parsed.duplicates), context);
}

/**
 * A wrapped message: duplicates inside it go to the gate with the message; a duplicate
 * `message` or `context` key is reported here, and every `message` value is judged.
 */
function judgeWrapped(gate: Gate, text: string, message: unknown, duplicates: readonly DuplicateKey[], context: ContextInput): Verdict {
  const inner = duplicates.filter((d) => d.path.startsWith('message.'));
  const verdict = gate.check(new JsonMessage(message, text, inner, 'message'), context);
  if (inner.length === duplicates.length) return verdict;
  const findings = [...verdict.findings];
  for (const d of duplicates) {
    if (d.path.startsWith('message.')) continue;
    findings.push(duplicateKeyFinding(d));
    if (d.path !== 'message') continue;
    const from = findings.length;
    for (const f of gate.check(JSON.parse(text.slice(d.value.start, d.value.end)), context).findings) findings.push(f);
    noteFindings(findings, from, { en: ' (in the earlier value of the duplicate key message)', zh: '（位于重复键 message 的前一个值中）' });
  }
  return verdictOf(capFindings(findings, gate.policy.limits.findings.max));
}
