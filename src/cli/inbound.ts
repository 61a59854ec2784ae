import type { Command } from 'commander';
import { readInput, readRecords, senderFromFlags, addSenderFlags, type SenderFlags } from '../sender/cli-support.js';
import { SenderInputError } from '../sender/sender.js';
import { exitCodes } from './errors.js';

interface InboundFlags extends SenderFlags {
  json?: boolean;
}

/**
 * `weibo-guard inbound [FILE|-]`: records inbound events (JSONL of
 * `{"from": "uid", "kind": "message|follow|menu|qrcode|mention|unfollow", "at": ISO or ms, "eventId": "…"}`)
 * for pipelines that receive Weibo's pushes elsewhere. Re-pushed events are ignored.
 */
export function register(program: Command): void {
  const cmd = program.command('inbound [file]').description('record inbound events (JSONL) in the conversation ledger').option('--json', 'print the summary as JSON');
  addSenderFlags(cmd).action(async (file: string | undefined, flags: InboundFlags) => {
    const records = readRecords(await readInput(file));
    const sender = senderFromFlags(flags);
    const invalid: string[] = [];
    let recorded = 0;
    let duplicates = 0;
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
          if (!(err instanceof SenderInputError)) throw err;
          outcome[i] = `${rec.where}: ${err.message}`;
        }
      };
      // Chunks of concurrent records share one transaction each (group commit).
      for (let start = 0; start < records.length; start += 256) {
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
    if (flags.json) process.stdout.write(`${JSON.stringify({ recorded, duplicates, invalid })}\n`);
    else process.stdout.write(`recorded ${recorded}, duplicates ${duplicates}, invalid ${invalid.length}\n`);
    process.exitCode = invalid.length > 0 ? exitCodes.usage : exitCodes.ok;
  });
}
