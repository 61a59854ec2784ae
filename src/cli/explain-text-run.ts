import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { stringAt } from '../payload/parse.js';
import { gateFor, sayPolicyWarnings, type CheckCommandOptions, type Io } from './check.js';
import { UsageError, exitCodes } from './errors.js';
import { explainText, formatTextExplanation } from './explain-text.js';
import { wantsColor } from './format.js';

export interface ExplainTextOptions {
  text?: string;
  /** A file, `-`, or true (the flag without a value): stdin. */
  message?: string | boolean;
}

async function readAll(stream: Readable): Promise<string> {
  stream.setEncoding('utf8');
  let text = '';
  for await (const chunk of stream) text += chunk as string;
  return text;
}

export async function runExplainText(options: CheckCommandOptions & ExplainTextOptions, io: Io): Promise<number> {
  if (options.text !== undefined && options.message !== undefined) throw new UsageError('explain takes --text or --message, not both');
  const gate = gateFor(options.config);
  sayPolicyWarnings(gate, io);
  let input: { text: string } | { message: string };
  if (options.text !== undefined) input = { text: options.text };
  else {
    const file = typeof options.message === 'string' && options.message !== '-' ? options.message : undefined;
    let body: string;
    try {
      body = file ? readFileSync(file, 'utf8') : await readAll(io.stdin);
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!/\S/.test(body)) throw new UsageError(`${file ?? 'stdin'} is empty; expected one JSON message`);
    input = { message: body };
  }
  const e = explainText(gate, input, options);
  if (options.format === 'json') io.stdout.write(`${JSON.stringify(e)}\n`);
  else {
    const source = (path: string) => ('text' in input ? input.text : stringAt(input.message, path));
    io.stdout.write(`${formatTextExplanation(e, wantsColor(io.stdout), source)}\n`);
  }
  return e.allowed ? exitCodes.ok : exitCodes.findings;
}
