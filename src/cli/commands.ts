import type { Command } from 'commander';

/**
 * Every subcommand lives in its own module and registers itself here; main.ts only
 * wires them, so adding a command never touches another command's code.
 */
export type Register = (program: Command) => void;

export const commandModules: Array<() => Promise<{ register: Register }>> = [
  () => import('./check.js'),
  () => import('./explain.js'),
  () => import('./send.js'),
  () => import('./outbox.js'),
  () => import('./inbound.js'),
  () => import('./mock-server.js'),
  () => import('./audit.js'),
];
