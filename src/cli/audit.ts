import { Option, type Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { applyBaseline, readBaseline, toBaseline } from '../audit/baseline.js';
import type { AuditResult } from '../audit/model.js';
import { formatHtml } from '../audit/report/html.js';
import { formatJson } from '../audit/report/json.js';
import { policyMeta, type ReportMeta } from '../audit/report/meta.js';
import { formatSarif } from '../audit/report/sarif.js';
import { formatStylish } from '../audit/report/stylish.js';
import { runAudit } from '../audit/run.js';
import { createGate, looksLikePayload, type Gate } from '../gate.js';
import { PolicyError } from '../policy/index.js';
import { addContextOptions, contextFrom } from './check.js';
import { UsageError, exitCodes } from './errors.js';
import { formatPolicyWarnings, wantsColor } from './format.js';

const FORMATS = ['stylish', 'json', 'sarif', 'html'] as const;
type Format = (typeof FORMATS)[number];

export interface AuditCommandOptions {
  root?: string;
  format?: Format;
  output?: string;
  baseline?: string;
  writeBaseline?: string;
  maxWarnings?: string;
  maxFileBytes?: string;
  config?: string;
  lang?: 'en' | 'zh';
  account?: 'enterprise' | 'personal';
  channel?: 'reply' | 'post' | 'ad';
  paidLinks?: boolean;
  progress?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('audit')
    .description('Audit a repo of reply templates (TS/JS, JSON, YAML, Markdown, text) across files. Exit 0 clean, 1 findings, 2 usage or config error.')
    .argument('[paths...]', 'files or folders to audit (default: the root)')
    .option('--root <dir>', 'the audited root: config, .gitignore and report paths are relative to it (default: the one folder given, else the current folder)')
    .addOption(new Option('-f, --format <format>', 'report format (default: stylish, as ESLint; with -o, from the file extension: .json, .sarif, .html)').choices(FORMATS))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--baseline <file>', 'report only findings not in this baseline')
    .option('--write-baseline <file>', 'write every current finding to a baseline file and exit 0')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this (default: warnings never fail)')
    .option('--max-file-bytes <n>', 'refuse (with a finding) files larger than this; default 4194304')
    .option('--config <file>', 'project config (default: weibo-guard.config.{json,yaml,yml} in the root)')
    .addOption(new Option('--lang <lang>', 'language of messages in json/sarif/stylish').choices(['en', 'zh']).default('en'));
  addContextOptions(cmd, 'each template');
  cmd.option('--no-progress', 'no progress bar on a terminal')
    .action((paths: string[], options: AuditCommandOptions) => {
      process.exitCode = runAuditCommand(paths, options, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
    });
}

export interface AuditIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  cwd: string;
}

export function runAuditCommand(paths: string[], options: AuditCommandOptions, io: AuditIo): number {
  const root = resolve(io.cwd, options.root ?? defaultRoot(paths, io.cwd));
  const maxWarnings = intOption('--max-warnings', options.maxWarnings);
  const maxFileBytes = intOption('--max-file-bytes', options.maxFileBytes);
  const format = options.format ?? (options.output ? formatFromName(options.output) : 'stylish');
  const gate = loadGate(root, options.config ? resolve(io.cwd, options.config) : undefined);
  const baseline = options.baseline ? readBaseline(resolve(io.cwd, options.baseline)) : undefined;
  const context = contextFrom(options);

  const progress = options.progress !== false && io.stderr.isTTY === true ? progressBar(io.stderr) : undefined;
  let result: AuditResult;
  try {
    result = runAudit({
      root,
      paths: paths.map((p) => resolve(io.cwd, p)),
      engine: gate,
      // The audit's own files are not templates, even when written inside the root.
      skip: [options.baseline, options.writeBaseline, options.output].filter((p): p is string => p !== undefined).map((p) => resolve(io.cwd, p)),
      looksLikePayload,
      ...(context ? { context } : {}),
      lang: options.lang ?? 'en',
      ...(maxFileBytes !== undefined ? { maxFileBytes } : {}),
      ...(progress ? { onProgress: progress.update } : {}),
    });
  } finally {
    progress?.done();
  }

  if (options.writeBaseline) {
    const file = resolve(io.cwd, options.writeBaseline);
    writeOut(file, `${JSON.stringify(toBaseline(result), null, 2)}\n`);
    io.stderr.write(`weibo-guard: wrote ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} to the baseline ${options.writeBaseline}\n`);
    // No report is written, so the policy's warnings are said here, once.
    io.stderr.write(formatPolicyWarnings(result.warnings ?? [], wantsColor(io.stderr)));
    return exitCodes.ok;
  }
  if (baseline) result = applyBaseline(result, baseline);

  const meta = format === 'html' ? reportMeta(root, gate, options.config === undefined ? undefined : resolve(io.cwd, options.config)) : undefined;
  const text = render(result, format, { color: !options.output && wantsColor(io.stdout), title: `weibo-guard audit: ${basename(root)}`, ...(meta ? { meta } : {}) });
  if (options.output) writeOut(resolve(io.cwd, options.output), text);
  else io.stdout.write(text);

  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  if (errors > 0) return exitCodes.findings;
  if (maxWarnings !== undefined && warnings > maxWarnings) {
    io.stderr.write(`weibo-guard: ${warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return exitCodes.findings;
  }
  return exitCodes.ok;
}

const require = createRequire(import.meta.url);
const { version, homepage } = require('../../package.json') as { version: string; homepage: string };
/** Code scanning links each rule to its documentation: README's table of every rule. */
const sarifLinks = { informationUri: homepage, helpUri: `${homepage.replace(/#.*$/, '')}#what-is-checked` };

/** What the HTML report states it was made with; the commit only when the root is in a git repository. */
function reportMeta(root: string, gate: Gate, config: string | undefined): ReportMeta {
  const commit = gitCommit(root);
  return { version, ...policyMeta(gate.policy.sources, { root, ...(config ? { config } : {}) }), ...(commit ? { commit } : {}) };
}

/** `HEAD` of the repository holding `dir`; undefined outside one, without git, or when git hangs. */
export function gitCommit(dir: string): string | undefined {
  const r = spawnSync('git', ['-C', dir, 'rev-parse', '--verify', '--quiet', 'HEAD'], { encoding: 'utf8', timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });
  const out = r.status === 0 ? r.stdout.trim() : '';
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(out) ? out : undefined;
}

export function render(result: AuditResult, format: Format, opts: { color: boolean; title: string; meta?: ReportMeta }): string {
  switch (format) {
    case 'json':
      return formatJson(result);
    case 'sarif':
      return formatSarif(result, { version, ...sarifLinks });
    case 'html':
      return formatHtml(result, { title: opts.title, generatedAt: new Date(), ...(opts.meta ? { meta: opts.meta } : {}) });
    case 'stylish':
      return formatStylish(result, { color: opts.color });
  }
}

/** One folder argument is the root (its config and .gitignore apply); otherwise the current folder. */
function defaultRoot(paths: string[], cwd: string): string {
  if (paths.length !== 1) return cwd;
  try {
    return statSync(resolve(cwd, paths[0]!)).isDirectory() ? paths[0]! : cwd;
  } catch {
    throw new UsageError(`${paths[0]}: no such file or folder`);
  }
}

function formatFromName(file: string): Format {
  if (/\.sarif(\.json)?$/i.test(file)) return 'sarif';
  if (/\.html?$/i.test(file)) return 'html';
  if (/\.json$/i.test(file)) return 'json';
  return 'stylish';
}

function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${name}: expected a whole number, got "${value}"`);
  return Number(value);
}

/** A broken config is the user's to fix: exit 2 with every `file:line: …`. */
function loadGate(root: string, config: string | undefined): Gate {
  try {
    return createGate({ cwd: root, ...(config ? { config } : {}) });
  } catch (err) {
    if (err instanceof PolicyError) throw new UsageError(`configuration is invalid:\n${err.message}`);
    throw err;
  }
}

function writeOut(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new UsageError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A one-line bar on a terminal's stderr, drawn at most every 100 ms and only once a run takes a while. */
export function progressBar(stream: Writable & { columns?: number }, now: () => number = Date.now): { update(done: number, total: number): void; done(): void } {
  const started = now();
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      const t = now();
      if (t - started < 500 || t - last < 100) return;
      last = t;
      drawn = true;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 30));
      const filled = Math.round((done / Math.max(1, total)) * width);
      stream.write(`\r${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${done}/${total} files`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
