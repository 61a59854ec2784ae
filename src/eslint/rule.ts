import type { Rule } from 'eslint';
import { dirname, resolve } from 'node:path';
import type { Finding, Span } from '../findings.js';
import { rulesOf } from '../registry.js';
import { looksLikePayload, type Gate } from '../gate.js';
import { judgeWith, ruleFor, type RuleName } from './engine.js';
import { gateFor, gateKey } from './gates.js';
import { fileFilter } from './suppress.js';
import type { Sink, SourceLike } from './languages/shared.js';
import { jsVisitors } from './languages/js.js';
import { jsonVisitors } from './languages/json.js';
import { markdownVisitors } from './languages/markdown.js';
import { yamlVisitors } from './languages/yaml.js';
import { defaultRuleOptions, readRuleOptions, ruleOptionsJsonSchema, type RuleOptions } from './options.js';
import { Dedupe, findingRange } from '../sites/model.js';
import type { FileFilter } from '../sites/suppress.js';

/** Rule docs live in the README, one section per rule (`### Rule: weibo-guard/links`). */
export const DOCS_BASE = 'https://github.com/weibo-guard/weibo-guard#rule-weibo-guard';

/** The message of a policy that could not be loaded: the one report that is not a finding. */
export const POLICY_MESSAGE_ID = 'policy';

/**
 * One message per engine rule id the ESLint rule reports, so a report's `messageId` is
 * the finding's id and its words are the finding's own (`en`, `zh`). ESLint severities
 * are per rule, engine severities per finding: an engine warning (it does not block
 * sending) says so in `advisory`, and can be dropped with `advisories: false`, while
 * the rule's severity stays the user's.
 */
export function messagesFor(name: RuleName): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of rulesOf('engine')) if (ruleFor({ rule: id }) === name) out[id] = `{{advisory}}{{en}} / {{zh}} (${id})`;
  out[POLICY_MESSAGE_ID] = 'weibo-guard policy could not be loaded: {{error}}';
  return out;
}

const ADVISORY = 'Advisory, does not block sending: ';

/** The visitors for the file's language, told apart by the root of its tree. */
function visitorsFor(sourceCode: unknown, source: SourceLike, sink: Sink): Rule.RuleListener {
  const sc = sourceCode as { ast?: { type?: string }; parserServices?: { isYAML?: boolean } };
  const root = sc.ast?.type;
  const visitors =
    root === 'Document' ? jsonVisitors : root === 'root' ? markdownVisitors : sc.parserServices?.isYAML === true ? yamlVisitors : jsVisitors;
  return visitors(source, sink) as Rule.RuleListener;
}

interface Setup {
  /** Rules with equal keys (same cwd, same options) share one traversal of a file. */
  key: string;
  options: RuleOptions;
  gateId: string;
  /** Ignore patterns are relative to the project: the config file's folder, else ESLint's cwd. */
  root: string;
}

/** Options read and paths resolved once per (cwd, options), not once per file and rule. */
const setups = new Map<string, Setup>();
/**
 * A rule configured without options gets a fresh array each file but holding our own
 * `defaultOptions` object (ESLint merges defaults into a new array): that case finds its
 * setup by cwd alone, without serializing the options.
 */
const defaultSetups = new Map<string, Setup>();

function setupFor(cwd: string, raw: readonly unknown[]): Setup {
  const defaults = raw.length === 0 || (raw.length === 1 && raw[0] === defaultRuleOptions[0]);
  const known = defaults ? defaultSetups.get(cwd) : undefined;
  if (known) return known;
  const key = `${cwd}\0${JSON.stringify(raw)}`;
  let setup = setups.get(key);
  if (!setup) {
    const options = readRuleOptions(raw);
    setup = {
      key,
      options,
      gateId: gateKey(cwd, options.config),
      root: options.config === undefined ? cwd : dirname(resolve(cwd, options.config)),
    };
    setups.set(key, setup);
  }
  if (defaults) defaultSetups.set(cwd, setup);
  return setup;
}

/** JS and TS (espree, typescript-eslint) parse to an ESTree Program; YAML's Program says it is YAML. */
function isScript(sourceCode: unknown): boolean {
  const sc = sourceCode as { ast?: { type?: string }; parserServices?: { isYAML?: boolean } };
  return sc.ast?.type === 'Program' && sc.parserServices?.isYAML !== true;
}

/** One rule's way of reporting its share of a site's findings. */
type Emit = (findings: Finding[], where: (f: Finding) => Span) => void;

/**
 * The weibo-guard rules that run on one file with the same options. Only the first of
 * them to be created listens to the tree; each site it finds is judged once and handed
 * to every member, which reports its own share through its own context. ESLint creates
 * every rule of a file before it traverses, so all members are known by the first
 * visit. Three rules listening to the same node types cost ESLint three dispatches per
 * node (a no-op control measured +9% of the whole run); this way they cost one.
 */
interface Group {
  /** Whether to report at all in this file, and what not to: the same for every member. */
  readonly skip: boolean;
  readonly filter: FileFilter;
  readonly members: Emit[];
}

const groups = new WeakMap<object, Map<string, Group>>();

/** Per file, the policies already reported as not loading: once per file, not once per rule. */
const toldBroken = new WeakMap<object, Set<string>>();

/** The group for this file and setup, and whether this rule is the one that listens. */
function groupFor(context: Rule.RuleContext, setup: Setup, gate: Gate): { group: Group; leader: boolean } {
  const sourceCode = context.sourceCode;
  let perFile = groups.get(sourceCode);
  if (!perFile) groups.set(sourceCode, (perFile = new Map()));
  const found = perFile.get(setup.key);
  if (found) return { group: found, leader: false };
  const comments = isScript(sourceCode) ? () => sourceCode.getAllComments().map((c) => ({ start: c.range![0], end: c.range![1] })) : undefined;
  const group: Group = { ...fileFilter(gate, setup.root, context.physicalFilename, sourceCode.text, comments), members: [] };
  perFile.set(setup.key, group);
  return { group, leader: true };
}

export function createRule(name: RuleName, description: string): Rule.RuleModule {
  return {
    meta: {
      type: 'problem',
      docs: { description, recommended: true, url: `${DOCS_BASE}${name}` },
      messages: messagesFor(name),
      schema: ruleOptionsJsonSchema,
      defaultOptions: defaultRuleOptions,
    },
    create(context) {
      const setup = setupFor(context.cwd, context.options);
      const { options } = setup;
      const source = context.sourceCode as unknown as SourceLike;
      const report = (range: Span, messageId: string, data: Record<string, string>) =>
        context.report({ loc: { start: source.getLocFromIndex(range.start), end: source.getLocFromIndex(range.end) }, messageId, data });

      const loaded = gateFor(context.cwd, options.config, setup.gateId);
      if ('error' in loaded) {
        let told = toldBroken.get(context.sourceCode);
        if (!told) toldBroken.set(context.sourceCode, (told = new Set()));
        if (!told.has(setup.gateId)) {
          told.add(setup.gateId);
          report({ start: 0, end: 0 }, POLICY_MESSAGE_ID, { error: loaded.error.message });
        }
        return {};
      }
      const { gate } = loaded;
      const { group, leader } = groupFor(context, setup, gate);
      const { skip, filter, members } = group;
      if (skip) return {};
      const reported = new Dedupe();
      const emit: Emit = (findings, where) => {
        for (const f of findings) {
          if (ruleFor(f) !== name) continue;
          if (f.severity === 'warning' && !options.advisories) continue;
          const range = where(f);
          if (filter.silenced(f.rule, range.start)) continue;
          if (!reported.first(f.rule, range, f.message.en)) continue;
          report(range, f.rule, { advisory: f.severity === 'error' ? '' : ADVISORY, en: f.message.en, zh: f.message.zh });
        }
      };
      members.push(emit);
      if (!leader) return {};
      const judge = judgeWith(gate, options);
      const all: Emit = (findings, where) => {
        if (findings.length === 0) return;
        for (const m of members) m(findings, where);
      };
      const sink: Sink = {
        isPayload: looksLikePayload,
        string(site) {
          all(judge(site), (f) => findingRange(site, f));
        },
        payload(site) {
          all(judge(site), (f) => findingRange(site, f));
        },
      };
      return visitorsFor(context.sourceCode, source, sink);
    },
  };
}
