import type { Command } from 'commander';
import { addAccountNameFlag, addStoreFlags, readInput, readRecords, senderFromFlags, skewFromFlag, type SenderFlags } from './sender-flags.js';
import { SenderInputError } from '../sender/sender.js';
import { StorageError } from '../sender/store.js';
import { exitCodes } from './errors.js';

interface InboundFlags extends SenderFlags {
  json?: boolean;
  maxSkew?: string;
}

/**
 * `weibo-guard inbound [FILE|-]`: records inbound events (JSONL of
 * `{"from": "uid", "kind": "message|follow|menu|qrcode|mention|unfollow", "at": ISO or ms, "eventId": "…"}`)
 * for pipelines that receive Weibo's pushes elsewhere. Re-pushed events are ignored.
 */
export function register(program: Command): void {
  const cmd = program
    .command('inbound [file]')
    .description('record inbound events (JSONL) in the conversation ledger')
    .option('--json', 'print the summary as JSON')
    .option('--max-skew <ms>', 'refuse an event dated more than this ahead of this clock', '300000');
  addAccountNameFlag(addStoreFlags(cmd), 'the events are recorded for (an event\'s "account" overrides it)').action(async (file: string | undefined, flags: InboundFlags) => {
    const records = readRecords(await readInput(file));
    const sender = senderFromFlags(flags, skewFromFlag(flags.maxSkew));
    const invalid: string[] = [];
    let recorded = 0;
    let duplicates = 0;
    let storage: { error: StorageError; at: number } | undefined;
    try {
      const outcome: Array<'recorded' | 'duplicate' | string> = [];
      const handle = async (rec: (typeof records)[number], i: number) => {
        if (rec.error !== undefined) {
          outcome[i] = `${rec.where}: ${rec.error}`;
          return;
        }
        try {
          outcome[i] = (await sender.recordInbound(rec.value as never)).recorded ? 'recorded' : 'duplicate';
        } catch (err) {
          if (err instanceof StorageError) {
            if (!storage || i < storage.at) storage = { error: err, at: i };
            return;
          }
          if (!(err instanceof SenderInputError)) throw err;
          outcome[i] = `${rec.where}: ${err.message}`;
        }
      };
      // Chunks of concurrent records share one transaction each (group commit).
      for (let start = 0; start < records.length && !storage; start += 256) {
        await Promise.all(records.slice(start, start + 256).map((rec, j) => handle(rec, start + j)));
      }
      for (const o of outcome) {
        if (o === 'recorded') recorded++;
        else if (o === 'duplicate') duplicates++;
        else invalid.push(o);
      }
    } finally {
      sender.close();
    }
    for (const line of invalid) process.stderr.write(`weibo-guard: ${line}\n`);
    if (storage) {
      process.stderr.write(
        `weibo-guard: storage failure: ${storage.error.message}\nweibo-guard: nothing was recorded from ${records[storage.at]!.where} on; ${recorded + duplicates} event(s) before it are recorded. Fix the storage and run again (recorded events are ignored when seen again).\n`,
      );
      process.exitCode = exitCodes.storage;
      return;
    }
    if (flags.json) process.stdout.write(`${JSON.stringify({ recorded, duplicates, invalid })}\n`);
    else process.stdout.write(`recorded ${recorded}, duplicates ${duplicates}, invalid ${invalid.length}\n`);
    process.exitCode = invalid.length > 0 ? exitCodes.usage : exitCodes.ok;
  });
}
