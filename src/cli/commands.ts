import type { Command } from 'commander';

/**
 * Every subcommand lives in its own module and registers itself here; main.ts only
 * wires them, so adding a command never touches another command's code.
 */
export type Register = (program: Command) => void;

export const commandModules: Readonly<Record<string, () => Promise<{ register: Register }>>> = {
  check: () => import('./check.js'),
  explain: () => import('./explain.js'),
  send: () => import('./send.js'),
  outbox: () => import('./outbox.js'),
  inbound: () => import('./inbound.js'),
  'mock-server': () => import('./mock-server.js'),
  serve: () => import('./serve.js'),
  audit: () => import('./audit.js'),
  init: () => import('./init.js'),
  policy: () => import('./policy.js'),
};

/**
 * The modules a command line needs: only the named command's (the audit pulls in the
 * TypeScript parser, ~0.5 s, which `check` in a pipeline should never pay for); all of
 * them for help, a version, or a name we don't know (so commander can list and suggest).
 */
export function modulesFor(argv: readonly string[]): Array<() => Promise<{ register: Register }>> {
  const name = argv[2];
  const one = name === undefined ? undefined : commandModules[name];
  return one ? [one] : Object.values(commandModules);
}
