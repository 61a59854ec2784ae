import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import pc from 'picocolors';
import { lintPolicy, type LintProblem } from '../policy/index.js';
import { UsageError, exitCodes } from './errors.js';
import { counted } from '../terminal.js';
import { wantsColor } from './format.js';

interface PolicyLintOptions {
  config?: string;
  format?: 'text' | 'json';
  expiringDays?: string;
}

export function register(program: Command): void {
  const policy = program.command('policy').description('Work on the policy: the shipped whitelist/ and rules/ plus the project config.');
  policy
    .command('lint')
    .description('Check the policy for entries that are invalid, expired or expiring, never apply, are covered by a broader entry, cite no evidence, or are no longer public suffixes. Exit 0 clean or warnings only, 1 errors.')
    .option('--config <file>', 'project config (default: weibo-guard.config.{json,yaml,yml} in the current folder)')
    .option('--expiring-days <n>', 'warn about entries expiring within this many days', '30')
    .addOption(new Option('--format <format>', 'output format (default: text on a terminal, else json)').choices(['text', 'json']))
    .action((options: PolicyLintOptions) => {
      process.exitCode = runPolicyLint(options, { stdout: process.stdout, cwd: process.cwd() });
    });
}

export function runPolicyLint(options: PolicyLintOptions, io: { stdout: Writable & { isTTY?: boolean }; cwd: string }): number {
  const days = Number(options.expiringDays ?? '30');
  if (!Number.isInteger(days) || days < 0) throw new UsageError(`--expiring-days ${options.expiringDays}: expected a whole number of days`);
  const problems = lintPolicy({ cwd: io.cwd, ...(options.config ? { config: resolve(io.cwd, options.config) } : {}), expiringSoonDays: days });
  const format = options.format ?? (io.stdout.isTTY ? 'text' : 'json');
  io.stdout.write(format === 'json' ? `${JSON.stringify({ problems })}\n` : formatProblems(problems, wantsColor(io.stdout)));
  return problems.some((p) => p.severity === 'error') ? exitCodes.findings : exitCodes.ok;
}

function formatProblems(problems: readonly LintProblem[], color: boolean): string {
  const c = pc.createColors(color);
  if (problems.length === 0) return `${c.green('✔')} the policy has no problems\n`;
  const lines = problems.map((p) => `${p.file}${p.line > 0 ? `:${p.line}` : ''}  ${p.severity === 'error' ? c.red('error') : c.yellow('warning')}  ${p.message}  ${c.dim(p.kind)}`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  return `${lines.join('\n')}\n\n${counted(errors, 'error')}, ${counted(problems.length - errors, 'warning')}\n`;
}
