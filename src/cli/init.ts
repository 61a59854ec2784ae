import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { CONFIG_SCHEMA_PATH } from '../policy/json-schema.js';
import { UsageError, exitCodes } from './errors.js';

export const CONFIG_NAME = 'weibo-guard.config.yaml';

/**
 * The config `init` writes: every section present and empty, so the file loads as it
 * is and changes nothing, with a commented example under each section to copy. The
 * first line points editors that read yaml-language-server's modeline at the schema
 * shipped in the package.
 */
export const CONFIG_TEMPLATE = `# yaml-language-server: $schema=node_modules/weibo-guard/${CONFIG_SCHEMA_PATH}
# weibo-guard project config: your additions to the shipped policy (whitelist/, rules/).
# Every front door reads it: weibo-guard check/audit/send, the gate, the ESLint plugin.

# Default context for every message: enterprise (a verified business account) or
# personal (no links at all, unless you pay for them: paidLinks: true); the channel is
# reply, post or ad.
account: enterprise
channel: reply

# Your own verified sites (the official site of your verified company). Each entry needs
# the evidence it rests on and the date it was added; an expired entry stops applying.
whitelist: []
#  - domain: example-brand.cn
#    source: Weibo enterprise verification, 2026-03
#    added: 2026-03-02
#    expires: 2027-03-02
#    paths: [/campaign/]        # optional: only these path prefixes
#    channels: [reply, post]    # optional: only in these channels

# Sites you treat as competitors although the shipped list does not.
deny: []
#  - domain: rival.example.com
#    source: our legal review, 2026-10
#    note: why we treat it as a competitor

# Findings the audit should not report: a path glob, optionally one rule, always a reason.
ignore: []
#  - path: docs/legacy/**
#    rule: link/not-whitelisted
#    reason: archived templates, never sent

# Single fields of rules/limits.yaml to override, for example a shorter text limit.
# limits:
#   text: { max: 140 }
`;

const ESLINT_SNIPPET = `// eslint.config.js
import weiboGuard from 'weibo-guard/eslint-plugin';
export default [...weiboGuard.configs.recommended];`;

const CI_SNIPPET = `# .github/workflows/weibo-guard.yml
on: [push, pull_request]
jobs:
  audit:
    runs-on: ubuntu-latest
    permissions: { contents: read, security-events: write }
    steps:
      - uses: actions/checkout@v4
      - uses: weibo-guard/weibo-guard@v0   # runs the audit, uploads SARIF to code scanning
# any other CI: npx weibo-guard audit  (exit 1 on findings)`;

export interface InitOptions {
  dir?: string;
  force?: boolean;
}

export function register(program: Command): void {
  program
    .command('init')
    .description(`Write a commented ${CONFIG_NAME} (it loads as it is and changes nothing) and print the ESLint and CI snippets. Exit 0 written, 2 when the file exists (use --force).`)
    .option('--dir <dir>', 'where to write it (default: the current folder)')
    .option('--force', 'overwrite an existing config')
    .action((options: InitOptions) => {
      process.exitCode = runInit(options, { stdout: process.stdout, cwd: process.cwd() });
    });
}

export function runInit(options: InitOptions, io: { stdout: Writable; cwd: string }): number {
  const dir = resolve(io.cwd, options.dir ?? '.');
  if (!existsSync(dir)) throw new UsageError(`--dir ${options.dir}: no such folder`);
  const file = join(dir, CONFIG_NAME);
  if (existsSync(file) && !options.force) throw new UsageError(`${relative(io.cwd, file) || file} exists; pass --force to overwrite it`);
  writeFileSync(file, CONFIG_TEMPLATE);
  io.stdout.write(`wrote ${relative(io.cwd, file) || file}\n\nESLint:\n${ESLINT_SNIPPET}\n\nCI (GitHub Actions):\n${CI_SNIPPET}\n`);
  return exitCodes.ok;
}
