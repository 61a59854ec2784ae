import { Option, type Command } from 'commander';
import pc from 'picocolors';
import { verdictOf } from '../findings.js';
import { canonicalize, describeInvisible } from '../links/index.js';
import { classifyLink, describeEntry, expiredEntryFor, followRedirects, type LinkDecision, type RedirectChain, type RedirectHop } from '../policy/index.js';
import type { Gate } from '../gate.js';
import type { FoundLink } from '../links/types.js';
import { addContextOptions, contextFrom, gateFor, sayPolicyWarnings, type CheckCommandOptions, type Io } from './check.js';
import { UsageError, exitCodes } from './errors.js';
import { runExplainText, type ExplainTextOptions } from './explain-text-run.js';
import { formatFinding, wantsColor } from './format.js';

export function register(program: Command): void {
  const cmd = program
    .command('explain')
    .description(
      'Show how a URL is canonicalized and which whitelist entry or rule decides it; with --text or --message, why the competitor rule calls a text promotion, a mention or nothing. Exit 0 allowed, 1 blocked.',
    )
    .argument('[url]', 'the link as written (quote it for the shell)')
    .option('--text <text>', 'explain a reply text instead of a URL')
    .option('--message [file]', 'explain a whole message (JSON as the API takes it); "-" or no file reads stdin')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'));
  addContextOptions(cmd, 'the link');
  cmd.option('--config <file>', 'project config (default: weibo-guard.config.{json,yaml,yml} in the current folder)')
    .action(async (url: string | undefined, options: CheckCommandOptions & ExplainTextOptions) => {
      const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
      if (options.text !== undefined || options.message !== undefined) {
        if (url !== undefined) throw new UsageError('explain takes a URL, --text or --message, not two of them');
        process.exitCode = await runExplainText(options, io);
        return;
      }
      if (url === undefined) throw new UsageError('explain needs a URL, --text <text> or --message [file]');
      process.exitCode = runExplain(url, options, io);
    });
}

/** What explain reports: the canonical form, the deciding entry or rule, and the findings a checkUrl gives. */
export interface Explanation {
  input: string;
  link: FoundLink | null;
  decision: LinkDecision | null;
  findings: ReturnType<typeof verdictOf>['findings'];
  allowed: boolean;
  /** Every URL the link carries that was judged as a destination, in the order followed. */
  redirects: RedirectHop[];
  /** The chain that blocks the link, when one does. */
  redirect: RedirectChain | null;
  /** Not whitelisted, but an entry that has expired covered the host: which one, and when it lapsed. */
  expired: { file: string; line: number; domain: string; expires: string } | null;
}

export function explainUrl(url: string, options: CheckCommandOptions, gate: Gate = gateFor(options.config)): Explanation {
  const contextInput = contextFrom(options);
  const link = canonicalize(url);
  const findings = gate.checkUrl(url, contextInput, 'url');
  // Same precedence as the gate: flag, then the project config, then the default.
  const channel = options.channel ?? gate.policy.config.channel ?? 'reply';
  const decision = link ? classifyLink(link, gate.policy, channel) : null;
  const redirects: RedirectHop[] = [];
  const redirect = link && decision ? followRedirects(link, decision, gate.policy, channel, redirects) : null;
  const lapsed = link?.host && decision?.rule === 'link/not-whitelisted' ? expiredEntryFor(gate.policy, link.host, link.path, channel) : undefined;
  const expired = lapsed ? { file: lapsed.entry.file, line: lapsed.entry.line, domain: lapsed.domain, expires: lapsed.expires } : null;
  return { input: url, link, decision, findings, allowed: verdictOf(findings).allowed, redirects, redirect, expired };
}

export function runExplain(url: string, options: CheckCommandOptions, io: Io): number {
  const gate = gateFor(options.config);
  sayPolicyWarnings(gate, io);
  const e = explainUrl(url, options, gate);
  if (options.format === 'json') io.stdout.write(`${JSON.stringify(e)}\n`);
  else io.stdout.write(`${formatExplanation(e, wantsColor(io.stdout))}\n`);
  return e.allowed ? exitCodes.ok : exitCodes.findings;
}

export function formatExplanation(e: Explanation, color: boolean): string {
  const c = pc.createColors(color);
  const row = (k: string, v: string) => `  ${c.dim(k.padEnd(14))} ${v}`;
  const lines = [`${c.bold('input')}  ${e.input}`];
  if (!e.link) {
    lines.push(row('canonical', c.red('not a link')));
  } else {
    const l = e.link;
    lines.push(c.bold('canonical'));
    lines.push(row('form', l.form + (l.folded.length > 0 ? ` (folded: ${l.folded.join(', ')})` : '')));
    lines.push(row('scheme', l.scheme + (l.web ? '' : ' (not a web link)')));
    lines.push(row('url', l.url ?? '(cannot be parsed)'));
    if (l.host) lines.push(row('host', `${l.host} (${l.hostType ?? 'unknown'})`));
    if (l.domain) lines.push(row('domain', l.domain));
    if (l.publicSuffix) lines.push(row('public suffix', l.publicSuffix));
    lines.push(row('path', l.path));
    if (l.credentials) lines.push(row('credentials', c.red('yes: a user name or password before "@"')));
    if (l.invisible) lines.push(row('invisible', c.red(`removed before judging: ${describeInvisible(l.invisible)}`)));
  }
  if (e.decision) {
    const d = e.decision;
    lines.push(c.bold('decision'));
    lines.push(row('rule', d.allowed ? c.green(d.rule) : d.severity === 'warning' ? c.yellow(d.rule) : c.red(d.rule)));
    if (d.entry) {
      lines.push(row('entry', describeEntry(d.entry)));
      lines.push(row('category', `${d.entry.category} (${d.entry.kind}${d.entry.service ? `, service ${d.entry.service}` : ''})`));
      if (d.entry.note) lines.push(row('note', d.entry.note));
    } else if (e.expired) {
      lines.push(row('entry', c.yellow(`none: ${describeEntry(e.expired)} expired on ${e.expired.expires} and no longer applies (renew or remove it)`)));
    } else {
      lines.push(row('entry', 'none: no whitelist entry covers this host'));
    }
    lines.push(row('reason', d.reason.en), row('', d.reason.zh));
  }
  if (e.redirects.length > 0 || e.redirect?.unreadable) {
    lines.push(c.bold('redirects'));
    for (const h of e.redirects) {
      const rule = h.decision.allowed ? c.green(h.decision.rule) : h.decision.severity === 'warning' ? c.yellow(h.decision.rule) : c.red(h.decision.rule);
      lines.push(row(`→ ${h.via}`, `${h.link.url ?? h.link.raw} (${h.link.host ?? 'no host'}): ${rule}`));
    }
    const u = e.redirect?.unreadable;
    if (u) lines.push(row('→ ?', c.red(`${u.file}:${u.line} ${u.domain} (${u.operator}): none of ${u.params.join(', ')} holds a readable target`)));
  }
  if (e.findings.length > 0) {
    lines.push(c.bold('findings'));
    for (const f of e.findings) lines.push(formatFinding(f, e.input, { color }).replace(/^/gm, '  '));
  }
  lines.push(e.allowed ? c.green('✔ allowed') : c.red(c.bold('✖ blocked')));
  return lines.join('\n');
}
