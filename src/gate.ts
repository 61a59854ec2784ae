import { ContextSchema, type Context, type ContextInput } from './context.js';
import { verdictOf, type Finding, type Verdict } from './findings.js';
import { canonicalize, findLinks } from './links/index.js';
import { loadPolicy, type Policy } from './policy/index.js';
import { compileCompetitorChecker } from './checks/competitor.js';
import { judgeLink, judgeLinks, notALink } from './checks/link.js';
import { capFindings, findingSink, noteFindings } from './checks/finding.js';
import { checkPayloadLimits, messageTooLarge } from './checks/payload.js';
import { checkWindow } from './checks/window.js';
import { parseMessage } from './payload/parse.js';
import { PAYLOAD_TYPES } from './payload/schema.js';

export interface GateOptions {
  /** Where to look for weibo-guard.config.{json,yaml,yml}; default process.cwd(). */
  cwd?: string;
  /** An explicit config file (relative to cwd). */
  config?: string;
  /** An already loaded policy (tests, or several gates sharing one). */
  policy?: Policy;
}

export interface Gate {
  readonly policy: Policy;
  /** A whole reply payload as the API takes it (object, or with data as URL-encoded JSON string). */
  check(message: unknown, context?: ContextInput): Verdict;
  /** Free text (a template string): link + competitor checks; spans are offsets into `text`; `path` defaults to 'text'. */
  checkText(text: string, context?: ContextInput, path?: string): Finding[];
  /** One string that is meant to be a URL (an article url/image field, a markdown link target). */
  checkUrl(url: string, context?: ContextInput, path?: string): Finding[];
}

/** Article fields read as free text, and those that must be a link. */
const TEXT_FIELDS = ['display_name', 'summary'] as const;
const URL_FIELDS = ['url', 'image'] as const;

/** A context the caller got wrong (a bug in the caller, not in the message). */
export class ContextError extends TypeError {
  override name = 'ContextError';
}

/**
 * Loads and compiles policy once; every check afterwards only reads compiled data.
 * Throws PolicyError (`file:line: …`) when a policy file is wrong.
 */
export function createGate(options: GateOptions = {}): Gate {
  const policy = options.policy ?? loadPolicy({ ...(options.cwd ? { cwd: options.cwd } : {}), ...(options.config ? { config: options.config } : {}) });
  const competitors = compileCompetitorChecker(policy.competitors);
  const resolve = contextResolver(policy);
  const maxFindings = policy.limits.findings.max;

  // Names inside a link (weixin.qq.com) are the link rules' to judge, not a mention.
  const textFindings = (text: string, context: Context, path: string, out: Finding[] = []): Finding[] => {
    const links = findLinks(text);
    judgeLinks(links, path, context, policy, out);
    for (const f of competitors.check(text, path, context.channel, links)) out.push(f);
    return out;
  };

  const urlFindings = (url: string, context: Context, path: string): Finding[] => {
    const link = canonicalize(url);
    if (!link) return [notALink(url, path)];
    return judgeLink(link, { start: link.start, end: link.end }, path, context, policy);
  };

  return Object.freeze({
    policy,
    check(message: unknown, contextInput?: ContextInput): Verdict {
      const context = resolve(contextInput);
      const tooLarge = messageTooLarge(message, policy.limits);
      if (tooLarge) return verdictOf([tooLarge]);
      const parsed = parseMessage(message);
      const findings = parsed.findings;
      if (parsed.content) for (const f of checkPayloadLimits(parsed.content, policy.limits)) findings.push(f);
      // Content rules read whatever strings are there, even when the shape is wrong elsewhere.
      const data = parsed.data;
      if (data && parsed.type === 'text' && typeof data.text === 'string') textFindings(data.text, context, 'data.text', findings);
      if (data && parsed.type === 'articles' && Array.isArray(data.articles)) {
        const articles = data.articles as unknown[];
        for (let i = 0; i < articles.length; i++) {
          const a = articles[i];
          if (typeof a !== 'object' || a === null) continue;
          const article = a as Record<string, unknown>;
          for (const key of TEXT_FIELDS) {
            const v = article[key];
            if (typeof v === 'string') textFindings(v, context, `data.articles[${i}].${key}`, findings);
          }
          for (const key of URL_FIELDS) {
            const v = article[key];
            if (typeof v === 'string' && /\S/.test(v)) for (const f of urlFindings(v, context, `data.articles[${i}].${key}`)) findings.push(f);
          }
        }
      }
      // What a duplicate key hides is judged too: a server reading the first value would send it.
      for (const h of parsed.hidden) {
        const from = findings.length;
        if (h.kind === 'text') textFindings(h.text, context, h.path, findings);
        else if (/\S/.test(h.text)) for (const f of urlFindings(h.text, context, h.path)) findings.push(f);
        noteFindings(findings, from, h.note);
      }
      if (context.window) for (const f of checkWindow(context, policy.limits.window)) findings.push(f);
      return verdictOf(capFindings(findings, maxFindings));
    },
    checkText(text: string, contextInput?: ContextInput, path = 'text'): Finding[] {
      // A template is not refused by size (it is not a message), so a long one counts its findings instead of keeping them.
      const out = text.length > policy.limits.message.maxBytes ? findingSink(maxFindings) : [];
      return capFindings(textFindings(text, resolve(contextInput), path, out), maxFindings, path);
    },
    checkUrl(url: string, contextInput?: ContextInput, path = 'url'): Finding[] {
      return capFindings(urlFindings(url, resolve(contextInput), path), maxFindings, path);
    },
  });
}

/**
 * Context = the caller's fields, else the project config's defaults (account,
 * channel, paidLinks), else enterprise/reply. The no-context case is resolved once.
 */
function contextResolver(policy: Policy): (input: ContextInput | undefined) => Context {
  const { account, channel, paidLinks } = policy.config;
  const defaults: ContextInput = {};
  if (account !== undefined) defaults.account = account;
  if (channel !== undefined) defaults.channel = channel;
  if (paidLinks !== undefined) defaults.paidLinks = paidLinks;
  const base = Object.freeze(ContextSchema.parse(defaults));
  // Template linters (ESLint, the audit) pass the same few fields with every one of
  // thousands of strings; validating them with zod each time takes a third of the
  // time of judging a typical template string. A context of plain account/channel/paidLinks
  // values is validated once and remembered; only valid ones are kept, so the memo
  // holds at most a few dozen entries. Anything else (a window) is validated each time.
  const plain = new Map<string, Context>();
  return (input) => {
    if (input === undefined) return base;
    const key = plainKey(input);
    if (key === '') return base;
    if (key !== null) {
      let known = plain.get(key);
      if (!known) plain.set(key, (known = Object.freeze(parseContext(defaults, input))));
      return known;
    }
    return parseContext(defaults, input);
  };
}

/**
 * A key for a context of plain account/channel/paidLinks values (`''` when nothing is
 * set), or null when it has anything else. The type is part of the key, so a string
 * `'true'` never hits the entry of a boolean `true`.
 */
function plainKey(input: ContextInput): string | null {
  let key = '';
  for (const k of Object.keys(input)) {
    const v = (input as Record<string, unknown>)[k];
    if (v === undefined) continue;
    if ((k !== 'account' && k !== 'channel' && k !== 'paidLinks') || (typeof v !== 'string' && typeof v !== 'boolean')) return null;
    key += `${k}=${typeof v}:${String(v)}\0`;
  }
  return key;
}

function parseContext(defaults: ContextInput, input: ContextInput): Context {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) merged[k] = v;
  const r = ContextSchema.safeParse(merged);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new ContextError(`context.${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/** True when a value is shaped like a reply payload ({type: 'text'|'articles'|'position', data: …}) — the audit and ESLint use it to judge object literals as payloads. */
export function looksLikePayload(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (PAYLOAD_TYPES as readonly unknown[]).includes(v.type) && 'data' in v;
}
