import type { Command } from 'commander';
import { MessageStateSchema, type MessageState } from '../sender/schemas.js';
import { addGateFlag, addStoreFlags, senderFromFlags, type SenderFlags } from './sender-flags.js';
import { exitCodes, UsageError } from './errors.js';
import { StorageError } from '../sender/store.js';

interface ListFlags extends SenderFlags {
  state?: string;
  json?: boolean;
  limit?: string;
}

/** `weibo-guard outbox list|retry|drop`: see and act on what is queued, failed or uncertain. */
export function register(program: Command): void {
  const outbox = program.command('outbox').description('see and act on what is queued, failed or uncertain in the outbox');

  addStoreFlags(
    outbox
      .command('list')
      .description('list messages (default: queued, sending, failed, uncertain)')
      .option('--state <states>', `comma-separated: ${MessageStateSchema.options.join(', ')}, or all`)
      .option('--limit <n>', 'at most this many')
      .option('--json', 'JSON lines'),
  ).action(async (flags: ListFlags) => {
    const states = parseStates(flags.state);
    const limit = flags.limit === undefined ? undefined : Number(flags.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit must be a positive integer, got ${JSON.stringify(flags.limit)}`);
    const sender = senderFromFlags(flags);
    try {
      const rows = await sender.list({ ...(states ? { states } : {}), ...(limit !== undefined ? { limit } : {}) });
      for (const m of rows) {
        if (flags.json) process.stdout.write(`${JSON.stringify(m)}\n`);
        else {
          process.stdout.write(
            `${m.id}\t${m.state}\t${m.account}\treceiver ${m.receiverId}\tattempts ${m.attempts}` +
              `${m.unknownOutcomes ? `\tunknown outcomes ${m.unknownOutcomes}` : ''}` +
              `${m.operatorRetries ? `\toperator retries ${m.operatorRetries}` : ''}${m.reason ? `\t${m.reason}` : ''}\n`,
          );
        }
      }
      if (!flags.json) {
        const counts = await sender.counts();
        process.stdout.write(`${Object.entries(counts).map(([s, n]) => `${s} ${n}`).join(', ')}\n`);
        const lease = await sender.store.currentLease();
        if (lease && sender.store.sharedDrain) {
          // Many workers drain this outbox, each with its own lease: the one renewed last is shown.
          process.stdout.write(`worker lease: pid ${lease.pid} on ${lease.host}, expires ${new Date(lease.expiresAt).toISOString()} unless renewed (other workers may share this outbox)\n`);
        } else if (lease) {
          const live = lease.expiresAt > Date.now();
          process.stdout.write(
            `drain lease: pid ${lease.pid} on ${lease.host}, ${live ? 'expires' : 'expired'} ${new Date(lease.expiresAt).toISOString()}` +
              `${live ? ' unless renewed' : ' (the next worker takes over)'}\n`,
          );
        }
      }
    } finally {
      sender.close();
    }
  });

  addGateFlag(addStoreFlags(
    outbox
      .command('retry [ids...]')
      .description('queue failed or uncertain messages again (a failed one is re-judged by the gate and the window; an uncertain one may be delivered twice)')
      .option('--failed', 'every failed message')
      .option('--uncertain', 'every uncertain (held) message'),
  )).action(async (ids: string[], flags: SenderFlags & { failed?: boolean; uncertain?: boolean }) => {
    const sender = senderFromFlags(flags);
    try {
      const states: MessageState[] = [...(flags.failed ? ['failed' as const] : []), ...(flags.uncertain ? ['uncertain' as const] : [])];
      const targets = [...ids, ...(states.length ? (await sender.list({ states })).map((m) => m.id) : [])];
      if (targets.length === 0) throw new UsageError('outbox retry: give message ids, --failed or --uncertain');
      let bad = 0;
      for (const id of targets) {
        const rec = await sender.store.get(id);
        if (!rec) {
          process.stderr.write(`weibo-guard: outbox has no message ${id}\n`);
          bad++;
          continue;
        }
        const r = await sender.retry(id);
        // An uncertain message may already be at Weibo: sending it again is this person's call, and counted.
        if (r.status === 'queued') process.stdout.write(`queued\t${id}${rec.state === 'uncertain' ? `\tmay duplicate an earlier delivery (operator retry ${r.record.operatorRetries})` : ''}\n`);
        else {
          bad++;
          const why = r.status === 'blocked' ? r.verdict!.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}: ${f.message.en}`).join('; ') : `is ${r.record.state}`;
          process.stdout.write(`${r.status}\t${id}\t${why}\n`);
        }
      }
      process.exitCode = bad ? exitCodes.findings : exitCodes.ok;
    } finally {
      sender.close();
    }
  });

  addStoreFlags(
    outbox
      .command('drop <ids...>')
      .description('give up on queued, failed or uncertain messages (the quota slot of a never-sent one is given back)')
      .option('--reason <text>', 'why, kept with the message', 'dropped by operator'),
  ).action(async (ids: string[], flags: SenderFlags & { reason: string }) => {
    const sender = senderFromFlags(flags);
    let bad = 0;
    try {
      for (const id of ids) {
        try {
          await sender.drop(id, flags.reason);
          process.stdout.write(`dropped\t${id}\n`);
        } catch (err) {
          // The outbox failing is not this id's fault: stop, exit 3 (main).
          if (err instanceof StorageError) throw err;
          bad++;
          process.stderr.write(`weibo-guard: ${(err as Error).message}\n`);
        }
      }
    } finally {
      sender.close();
    }
    process.exitCode = bad ? exitCodes.findings : exitCodes.ok;
  });
}

function parseStates(value: string | undefined): MessageState[] | undefined {
  if (value === undefined) return ['queued', 'sending', 'failed', 'uncertain'];
  if (value === 'all') return undefined;
  return value.split(',').map((s) => {
    const r = MessageStateSchema.safeParse(s.trim());
    if (!r.success) throw new UsageError(`--state: unknown state ${JSON.stringify(s)} (expected ${MessageStateSchema.options.join(', ')} or all)`);
    return r.data;
  });
}
