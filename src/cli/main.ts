#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { modulesFor } from './commands.js';
import { UsageError, exitCodes } from './errors.js';
import { OutboxIdentityError, StorageError } from '../sender/store.js';
import { AuditInputError } from '../audit/errors.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

/**
 * A reader that closes the pipe early (`weibo-guard audit | head -1`) is not an error:
 * stop quietly with the exit code the command has reached. Any other failure to write
 * output is said in one line.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') {
      if (stream !== process.stderr) process.stderr.write(`weibo-guard: cannot write output: ${err.code ?? err.message}\n`);
      process.exit(exitCodes.usage);
    }
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok);
  });
}

/** A flag error is one line naming the flag, then where to look: never the whole help. */
function pointAtHelp(command: Command, path: string): void {
  command.showHelpAfterError(`(see ${path} --help)`);
  for (const sub of command.commands) pointAtHelp(sub, `${path} ${sub.name()}`);
}

async function main(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  const program = new Command('weibo-guard')
    .description("Keeps a verified Weibo account's outgoing replies inside Weibo's rules.")
    .version(version)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`weibo-guard: ${text.replace(/^error: /, '')}`) });
  for (const load of modulesFor(argv)) (await load()).register(program);
  pointAtHelp(program, 'weibo-guard');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version arrive here as "errors" with exit code 0.
      return err.exitCode === 0 ? 0 : exitCodes.usage;
    }
    if (err instanceof StorageError) {
      process.stderr.write(`weibo-guard: storage failure: ${err.message}\n`);
      return exitCodes.storage;
    }
    // Loaded here only: the error module is the sender's, which most commands never load.
    const { MissingDependencyError } = await import('../sender/sqlite-store.js');
    if (err instanceof UsageError || err instanceof AuditInputError || err instanceof OutboxIdentityError || err instanceof MissingDependencyError) {
      process.stderr.write(`weibo-guard: ${err.message}\n`);
      return exitCodes.usage;
    }
    throw err;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // A bug, not a user error: still no stack trace unless asked for.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`weibo-guard: internal error: ${message}\n`);
    if (process.env.WEIBO_GUARD_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    process.exitCode = exitCodes.usage;
  },
);
