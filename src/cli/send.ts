import type { Command } from 'commander';
import type { ContextInput } from '../context.js';
import type { Finding } from '../findings.js';
import { addAccountNameFlag, addGateFlag, addNetworkFlags, addStoreFlags, addWorkerFlags, eventPrinter, gateFromFlags, readInput, readRecords, senderFromFlags, type SenderFlags } from './sender-flags.js';
import { formatPolicyWarnings, wantsColor } from './format.js';
import { OutboxBusyError, type EnqueueOptions } from '../sender/sender.js';
import { LeaseLostError, StorageError } from '../sender/store.js';
import { exitCodes, UsageError } from './errors.js';

interface SendFlags extends SenderFlags {
  dryRun?: boolean;
  drain: boolean;
  json?: boolean;
  quiet?: boolean;
  waitForLease?: boolean;
  lang: 'en' | 'zh';
}

const CHUNK = 256;

interface Blocked {
  where: string;
  findings: Array<Pick<Finding, 'rule' | 'path' | 'message'>>;
}

/**
 * `weibo-guard send [FILE|-]`: each line is a reply payload, or an envelope
 * `{"message": {…}, "key": "…", "account": "…", "context": {…}}` whose key makes a
 * re-run of the same file store nothing twice.
 */
export function register(program: Command): void {
  const cmd = program
    .command('send [file]')
    .description('enqueue one message or a JSONL stream through the gate, then drain the outbox to the reply API')
    .option('--dry-run', 'judge and show what would be sent; touches neither the network nor the outbox')
    .option('--no-drain', 'only enqueue')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress lines (alarms still print)')
    .option('--wait-for-lease', 'when another worker holds the outbox, wait for its lease to expire and take over (default: leave the messages to it)')
    .option('--lang <lang>', 'language of reasons: en or zh', 'en');
  addWorkerFlags(addGateFlag(addAccountNameFlag(addNetworkFlags(addStoreFlags(cmd)), 'the messages are sent as (a line\'s "account" overrides it)'))).action(async (file: string | undefined, flags: SendFlags) => {
    const out = (s: string) => process.stdout.write(s);
    if (flags.lang !== 'en' && flags.lang !== 'zh') throw new UsageError(`--lang must be en or zh, got ${JSON.stringify(flags.lang)}`);
    const lang = flags.lang;
    const input = await readInput(file);
    const records = readRecords(input);
    const gate = gateFromFlags(flags);
    // Once per run, on stderr: stdout is the per-line report (or --json summary) scripts read.
    process.stderr.write(formatPolicyWarnings(gate.policy.warnings, wantsColor(process.stderr)));
    const sender = senderFromFlags(flags, { gate, onEvent: eventPrinter((s) => process.stderr.write(s), flags.quiet ?? false) });
    try {
      const blockedAt: Array<Blocked | undefined> = [];
      const wouldSendAt: Array<string | undefined> = [];
      const queuedAt: boolean[] = [];
      let storage: { error: StorageError; at: number } | undefined;
      const handle = async (rec: (typeof records)[number], i: number): Promise<void> => {
        if (rec.error !== undefined) {
          blockedAt[i] = { where: rec.where, findings: [{ rule: 'input/invalid-json', path: '', message: { en: rec.error, zh: '不是有效的 JSON' } }] };
          return;
        }
        const env = envelope(rec.value);
        if ('error' in env) {
          blockedAt[i] = { where: rec.where, findings: [{ rule: 'input/envelope', path: env.path, message: { en: env.error, zh: env.zh } }] };
          return;
        }
        try {
          if (flags.dryRun) {
            const j = await sender.judge(env.message, env.context, env.options);
            if (j.verdict.allowed && j.request) wouldSendAt[i] = `${rec.where}\treceiver_id=${j.request.receiver_id}\ttype=${j.request.type}\tdata=${j.request.data}`;
            else blockedAt[i] = { where: rec.where, findings: j.verdict.findings.filter((f) => f.severity === 'error') };
            return;
          }
          const res = await sender.enqueue(env.message, env.context, env.options);
          if (res.status === 'blocked') blockedAt[i] = { where: rec.where, findings: res.verdict.findings.filter((f) => f.severity === 'error') };
          else queuedAt[i] = true;
        } catch (err) {
          // The outbox failed, not the message: nothing of this line was stored.
          if (err instanceof StorageError) {
            if (!storage || i < storage.at) storage = { error: err, at: i };
            return;
          }
          // A context the gate refuses (ContextError) names its field; it is this line's fault.
          // The gate's reason (zod's) is English; the Chinese message names the field.
          const field = /^(context[\w.]*)/.exec((err as Error).message)?.[1] ?? 'context';
          blockedAt[i] = { where: rec.where, findings: [{ rule: 'input/context', path: 'context', message: { en: (err as Error).message, zh: `上下文字段 ${field} 无效` } }] };
        }
      };
      // Chunks of concurrent enqueues share one transaction each (the sender's group commit).
      for (let start = 0; start < records.length && !storage; start += CHUNK) {
        await Promise.all(records.slice(start, start + CHUNK).map((rec, j) => handle(rec, start + j)));
      }
      const blocked = blockedAt.filter((b): b is Blocked => b !== undefined);
      const wouldSend = wouldSendAt.filter((w): w is string => w !== undefined);
      const reasons = (b: Blocked) => b.findings.map((f) => `${f.rule}${f.path ? ` at ${f.path}` : ''}: ${f.message[lang]}`).join('; ');

      // A dry run reads the ledger: its storage failing is not a verdict either.
      if (flags.dryRun && storage) throw storage.error;
      if (flags.dryRun) {
        if (flags.json) out(`${JSON.stringify({ dryRun: true, wouldSend: wouldSend.length, blocked }, null, 2)}\n`);
        else {
          for (const w of wouldSend) out(`would send\t${w}\n`);
          for (const b of blocked) out(`blocked\t${b.where}\t${reasons(b)}\n`);
          out(`would send ${wouldSend.length}, blocked ${blocked.length}\n`);
        }
        process.exitCode = blocked.length > 0 ? exitCodes.findings : exitCodes.ok;
        return;
      }

      if (storage) {
        for (const b of blocked) out(`blocked\t${b.where}\t${reasons(b)}\n`);
        process.stderr.write(`weibo-guard: storage failure: ${storage.error.message}\n${notQueued(records, queuedAt, storage.at)}\n`);
        process.exitCode = exitCodes.storage;
        return;
      }

      /** Why this run did not drain (another holder) or stopped draining (lease taken over). */
      let busy: string | undefined;
      const queuedNow = queuedAt.filter(Boolean).length;
      // SIGINT/SIGTERM: stop claiming, let requests in flight settle, give the lease
      // back, so the next worker need not wait for it to expire. The handlers are
      // `once`: a second signal kills as usual.
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        process.stderr.write(`weibo-guard: ${signal}: finishing the requests in flight, then stopping\n`);
        stop.abort();
      };
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      const report = flags.drain
        ? await sender
            .drain({ signal: stop.signal, waitForLease: flags.waitForLease ?? false })
            .catch((err: unknown) => {
              if (err instanceof StorageError) {
                throw new StorageError(err.failure, err.location, `${err.message}; while sending: the ${queuedNow} line(s) queued by this run stay in the outbox (a request cut off mid-send is an unknown outcome at the next start)`, { cause: err });
              }
              if (err instanceof OutboxBusyError) {
                busy = `not draining: ${err.message}; the queued messages are left to it (--wait-for-lease waits to take over)`;
              } else if (err instanceof LeaseLostError) {
                busy = `stopped draining: ${err.message}`;
              } else throw err;
              return null;
            })
            .finally(() => {
              process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
            })
        : null;
      if (busy) process.stderr.write(`weibo-guard: ${busy}\n`);
      const counts = await sender.counts();
      const summary = {
        sent: report?.sent ?? 0,
        failed: report?.failed ?? 0,
        blocked: blocked.length,
        queued: counts.queued,
        held: counts.uncertain,
        unknownOutcomes: report?.unknownOutcomes ?? 0,
        resent: report?.resent ?? 0,
        stopped: report?.stopped ?? [],
        failures: report?.failures ?? [],
        blockedDetails: blocked,
      };
      if (flags.json) out(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        for (const b of blocked) out(`blocked\t${b.where}\t${reasons(b)}\n`);
        for (const f of summary.failures) out(`failed\t${f.id}\t${f.reason}\n`);
        for (const s of summary.stopped) out(`stopped\taccount ${s.account}\t${s.reason}\n`);
        out(
          `sent ${summary.sent}, failed ${summary.failed}, blocked ${summary.blocked}, queued ${summary.queued}` +
            `${summary.held ? `, held ${summary.held} (outcome unknown: see outbox list --state uncertain)` : ''}` +
            `${summary.unknownOutcomes ? `, unknown outcomes ${summary.unknownOutcomes} (possible duplicates; resent ${summary.resent})` : ''}\n`,
        );
      }
      // Held messages wait for a person: that is not a clean run either.
      const bad = summary.blocked + summary.failed + summary.stopped.length + (report?.held ?? 0) > 0 || busy !== undefined;
      process.exitCode = bad ? exitCodes.findings : exitCodes.ok;
    } finally {
      sender.close();
    }
  });
}

/** Which lines the storage failure left out: from the first one on, or each of them. */
function notQueued(records: Array<{ where: string }>, queuedAt: boolean[], first: number): string {
  const left = records.map((r, i) => ({ where: r.where, i })).filter(({ i }) => i >= first && !queuedAt[i]);
  const before = queuedAt.slice(0, first).filter(Boolean).length;
  const tail = left.length === records.length - first;
  const named = tail
    ? `from ${records[first]!.where} on (${left.length} line(s))`
    : `from ${left.length} line(s): ${left.slice(0, 10).map((l) => l.where).join(', ')}${left.length > 10 ? ', …' : ''}`;
  return `weibo-guard: nothing was queued ${named}; ${before} line(s) before it are queued. Fix the storage and send again from there (lines with a "key" may be sent again safely).`;
}

type Envelope = { message: unknown; context?: ContextInput; options: EnqueueOptions } | { error: string; zh: string; path: string };

function envelope(value: unknown): Envelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('message' in value) || 'type' in value) {
    return { message: value, options: {} };
  }
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) {
    if (!['message', 'key', 'account', 'context'].includes(k)) return { error: `unknown envelope field ${k} (expected message, key, account, context)`, zh: `信封中有未知字段 ${k}（只允许 message、key、account、context）`, path: k };
  }
  for (const k of ['key', 'account'] as const) {
    if (v[k] !== undefined && (typeof v[k] !== 'string' || v[k] === '')) return { error: `${k} must be a non-empty string`, zh: `${k} 必须是非空字符串`, path: k };
  }
  if (v.context !== undefined && (typeof v.context !== 'object' || v.context === null)) return { error: 'context must be an object', zh: 'context 必须是对象', path: 'context' };
  return {
    message: v.message,
    ...(v.context !== undefined ? { context: v.context as ContextInput } : {}),
    options: { ...(v.key !== undefined ? { key: v.key as string } : {}), ...(v.account !== undefined ? { account: v.account as string } : {}) },
  };
}
