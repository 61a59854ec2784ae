import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGate, looksLikePayload } from '../src/gate.js';
import { finding } from '../src/findings.js';
import { judgeLine } from '../src/cli/check.js';
import { runAudit } from '../src/audit/run.js';
import { own } from '../src/sites/model.js';
import { issueRule } from '../src/payload/schema.js';
import { FindingSchema, type Finding } from '../src/findings.js';
import { RULES, RULE_IDS, RULE_ID_FORMAT, RuleDefSchema, RuleIdSchema, familyOf, isRuleId, ruleDoc, rulesOf, type RuleId, type RuleOrigin } from '../src/registry.js';
import * as api from '../src/index.js';
import { makeRepo } from './audit/helpers.js';
import { assertBuilt, runCli, tempDir } from './sender/helpers.js';

const ROOT = join(import.meta.dirname, '..');
const gate = createGate({ cwd: ROOT });
const R = '1722052204';
const text = (t: unknown, extra: object = {}) => ({ type: 'text', data: { text: t }, receiver_id: R, ...extra });
const article = (a: object = {}) => ({ display_name: 'a', summary: 's', image: 'https://weibo.com/x.jpg', url: 'https://weibo.com', ...a });
const articles = (list: object[]) => ({ type: 'articles', data: { articles: list }, receiver_id: R });
const rules = (findings: ReadonlyArray<Pick<Finding, 'rule'>>) => findings.map((f) => f.rule);

/**
 * One input per engine rule, through the engine's own entry points: what a caller of
 * the gate (or `weibo-guard check`) can get. Keyed by the registry, so a rule added
 * there without a way to raise it fails to compile here.
 */
const ENGINE: Record<Exclude<RuleId, `audit/${string}` | `input/${string}` | 'link/unresolved' | 'context/invalid'>, () => RuleId[]> = {
  'link/not-whitelisted': () => rules(gate.checkText('see https://evil.cn/x')),
  'link/competitor': () => rules(gate.checkUrl('https://wxaurl.cn/abc')),
  'link/shortener': () => rules(gate.checkText('https://bit.ly/abc')),
  'link/scheme': () => rules(gate.checkUrl('javascript:alert(1)')),
  'link/obfuscated': () => rules(gate.checkText('请访问 evil。cn')),
  'link/invisible': () => rules(gate.checkText('https://wei\u200bbo.com/x')),
  'link/redirect': () => rules(gate.checkText('https://www.baidu.com/link?url=https%3A%2F%2Fevil.cn%2Fx')),
  'link/ip-address': () => rules(gate.checkText('http://1.2.3.4/x')),
  'link/credentials': () => rules(gate.checkText('https://user:pw@weibo.com/x')),
  'link/invalid-url': () => rules(gate.check(articles([article({ url: 'not a link' })])).findings),
  'link/personal-account': () => rules(gate.checkText('http://www.people.com.cn', { account: 'personal' })),
  'competitor/promotion': () => rules(gate.checkText('有问题请加我微信 abc')),
  'competitor/mention': () => rules(gate.checkText('我们也在微信上')),
  'payload/articles-count': () => rules(gate.check(articles(Array.from({ length: 9 }, () => article()))).findings),
  'payload/articles-recommended': () => rules(gate.check(articles([article(), article()])).findings),
  'payload/text-too-long': () => rules(gate.check(text('字'.repeat(400))).findings),
  'payload/text-empty': () => rules(gate.check(text('')).findings),
  'payload/image-format': () => rules(gate.check(articles([article({ image: 'https://weibo.com/x.gif' })])).findings),
  'payload/missing-field': () => rules(gate.check(articles([{ display_name: 'a', image: 'https://weibo.com/x.jpg', url: 'https://weibo.com' }])).findings),
  'payload/invalid-field': () => rules(gate.check(text(5)).findings),
  'payload/unknown-field': () => rules(gate.check(text('hi', { extra: 1 })).findings),
  'payload/type': () => rules(gate.check({ type: 'video', data: {}, receiver_id: R }).findings),
  'payload/position-range': () => rules(gate.check({ type: 'position', data: { longitude: '500', latitude: '10' }, receiver_id: R }).findings),
  'payload/position-format': () => rules(gate.check({ type: 'position', data: { longitude: 'east', latitude: '10' }, receiver_id: R }).findings),
  'payload/invalid-json': () => rules(gate.check('{"type": }').findings),
  'payload/not-object': () => rules(gate.check([1]).findings),
  'payload/data-encoding': () => rules(gate.check({ type: 'text', data: '%zz', receiver_id: R }).findings),
  'payload/receiver-id': () => rules(gate.check(text('hi', { receiver_id: 'abc' })).findings),
  'payload/receiver-id-missing': () => rules(gate.check({ type: 'text', data: { text: 'hi' } }).findings),
  'payload/receiver-id-unsafe': () => rules(gate.check(text('hi', { receiver_id: 2 ** 60 })).findings),
  'payload/duplicate-key': () => rules(gate.check(`{"type":"text","data":{"text":"a","text":"b"},"receiver_id":"${R}"}`).findings),
  'payload/too-large': () => rules(gate.check(text('字'.repeat(70_000))).findings),
  'payload/save-sender-box': () => rules(gate.check(text('hi', { save_sender_box: 2 })).findings),
  'limits/too-many-findings': () => rules(gate.checkText(Array.from({ length: 150 }, (_, i) => `https://evil${i}.cn`).join(' '))),
  'window/expired': () => rules(gate.check(text('hi'), { window: { state: 'none' } }).findings),
  'window/unfollowed': () => rules(gate.check(text('hi'), { window: { state: 'unfollowed' } }).findings),
  'window/mention-once': () => rules(gate.check(text('hi'), { window: { state: 'open', remaining: 0, mentionOnly: true } }).findings),
  'window/quota': () => rules(gate.check(text('hi'), { window: { state: 'open', remaining: 0 } }).findings),
};

describe('the rule registry', () => {
  it('has every engine rule, and each can be raised through the engine', () => {
    expect(Object.keys(ENGINE).sort()).toEqual(rulesOf('engine').sort());
    for (const [id, raise] of Object.entries(ENGINE)) expect(raise(), id).toContain(id);
  });

  it('has every rule the audit raises on its own, and each can be raised by an audit', () => {
    const dir = makeRepo({
      'bad.json': '{"a": ',
      'big.txt': 'x'.repeat(2000),
      'boom.txt': 'boom',
      'host.ts': 'export const u = `https://${host}/x`;\n',
      'quiet.ts': '// weibo-guard-disable-next-line link/not-whitelisted\nexport const a = "https://evil.cn/a";\n// weibo-guard-disable-next-line link/not-whitelisted -- legacy\nexport const b = "fine";\n',
    });
    const real = createGate({ cwd: dir });
    const checkText: typeof real.checkText = (t, ...rest) => {
      if (t === 'boom') throw new RangeError('kaput');
      return real.checkText(t, ...rest);
    };
    const engine = { ...real, checkText };
    const raised = runAudit({ root: dir, engine, looksLikePayload, maxFileBytes: 1000 }).findings.map((f) => f.rule);
    for (const id of rulesOf('audit')) expect(raised, id).toContain(id);
  });

  describe('the CLI input rules', () => {
    const tmp = tempDir();
    afterAll(tmp.cleanup);
    it('each can be raised by `weibo-guard send` or `check --jsonl`', { timeout: 60_000 }, async () => {
      assertBuilt(ROOT);
      const lines = ['{"type": ', JSON.stringify({ message: text('hi'), nope: 1 }), JSON.stringify({ message: text('hi'), context: { channel: 'sms' } })];
      const r = await runCli(['send', '-', '--dry-run'], { cwd: tmp.dir, stdin: `${lines.join('\n')}\n`, guardMs: 20_000 });
      const raised = r.stdout + rules(judgeLine(gate, `{"message": ${JSON.stringify(text('hi'))}, "context": {"channel": "sms"}}`, 1, undefined).findings).join(' ');
      for (const id of rulesOf('cli')) expect(raised, id).toContain(id);
    });
  });

  it('gives every rule a summary in English and wholly Chinese, and help that says more', () => {
    for (const id of RULE_IDS) {
      const def = RULES[id];
      expect(id, id).toMatch(RULE_ID_FORMAT);
      expect(RuleDefSchema.safeParse(def).success, id).toBe(true);
      expect(def.short.en.length, id).toBeGreaterThan(0);
      // Field and format names stay as the API writes them; no other Latin word.
      expect(def.short.zh.replace(/\b(?:JSON|JPG|PNG|IP|https?|data|save_sender_box)\b/g, ''), id).toMatch(/^[^A-Za-z]+$/);
      expect(def.help.length, id).toBeGreaterThan(def.short.en.length);
    }
  });

  it('refuses a malformed entry, and cannot be changed at run time', () => {
    const good = RULES['link/scheme'];
    expect(RuleDefSchema.safeParse({ ...good, short: { en: '', zh: '某' } }).success).toBe(false);
    expect(RuleDefSchema.safeParse({ ...good, origin: 'eslint' }).success).toBe(false);
    expect(RuleDefSchema.safeParse({ ...good, family: 'link' }).success).toBe(false);
    expect('Link/Bad').not.toMatch(RULE_ID_FORMAT);
    expect(Object.isFrozen(RULES) && Object.isFrozen(good) && Object.isFrozen(good.short)).toBe(true);
  });

  it('keeps each origin to its families', () => {
    const families: Record<RuleOrigin, string[]> = { engine: ['link', 'competitor', 'payload', 'window', 'context', 'limits'], audit: ['audit', 'link'], cli: ['input', 'context'] };
    for (const id of RULE_IDS) expect(families[RULES[id].origin], id).toContain(familyOf(id));
    expect(rulesOf('audit').filter((id) => familyOf(id) === 'link')).toEqual(['link/unresolved']);
  });

  it('is the only source of rule ids a finding may carry', () => {
    expect(isRuleId('link/scheme')).toBe(true);
    expect(isRuleId('link/schema')).toBe(false);
    expect(isRuleId('toString')).toBe(false);
    expect(RuleIdSchema.safeParse('link/schema').success).toBe(false);
    const f = finding('link/scheme', 'error', { en: 'x', zh: '某' }, 'text');
    expect(FindingSchema.parse(f)).toEqual(f);
    expect(FindingSchema.safeParse({ ...f, rule: 'link/schema' }).success).toBe(false);
  });

  it('rejects a misspelt id at compile time', () => {
    // Each line below must fail to type-check (tsc runs over test/): if one compiled,
    // its @ts-expect-error would itself be the error.
    const misspelt = () => [
      // @ts-expect-error not a registered rule id
      finding('link/not-whitelistd', 'error', { en: 'x', zh: '某' }, 'text'),
      // @ts-expect-error not a registered rule id
      own('audit/unreadible', 'error', 'x', '某', { start: 0, end: 0 }),
      // @ts-expect-error not a registered rule id
      issueRule('payload/recever-id'),
    ];
    expect(typeof misspelt).toBe('function');
  });

  it('documents every id, and an id a report read back from disk no longer has by its first message', () => {
    expect(ruleDoc('link/scheme', 'ignored')).toEqual({ short: RULES['link/scheme'].short.en, help: RULES['link/scheme'].help });
    expect(ruleDoc('audit/unreadable', 'ignored').short).toBe(RULES['audit/unreadable'].short.en);
    expect(ruleDoc('link/new-rule', 'First message')).toEqual({ short: 'link/new-rule', help: 'First message' });
  });

  it('is exported from the package entry', () => {
    expect(api.RULES).toBe(RULES);
    expect(api.ruleDoc).toBe(ruleDoc);
  });
});

describe("README's \"What is checked\" table", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const table = /## What is checked\n\n(?:[^|\n].*\n\n)?((?:\|.*\n)+)/.exec(readme)![1]!.split('\n').filter((l) => l.startsWith('|')).slice(2);
  const rows = table.map((line) => {
    const [, rule, severity] = line.split('|').map((c) => c.trim());
    return { ids: [...rule!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), severity: severity! };
  });

  it('names only registered ids, each once, no wildcards', () => {
    const named = rows.flatMap((r) => r.ids);
    expect(named.filter((id) => !isRuleId(id))).toEqual([]);
    expect(named.length).toBe(new Set(named).size);
  });

  it('names every registered id, with its default severity first', () => {
    for (const id of RULE_IDS) {
      const row = rows.find((r) => r.ids.includes(id));
      expect(row, id).toBeDefined();
      expect(row!.severity.split(' ')[0], id).toBe(RULES[id].severity);
    }
  });
});
