import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { rulesOf } from '../../src/registry.js';
import type { ContextInput } from '../../src/context.js';
import type { Finding, Localized } from '../../src/findings.js';
import { createGate } from '../../src/gate.js';
import { canonicalize } from '../../src/links/index.js';
import { classifyLink } from '../../src/policy/index.js';
import { audit, makeRepo } from '../audit/helpers.js';
import { repoRoot } from '../policy/helpers.js';

/**
 * Every Chinese message the engine and the audit word, driven by inputs that raise
 * each rule (and, for data-driven wording, each competitor service, shortener and
 * redirector the shipped rules list), must be wholly Chinese: a Latin-letter word is
 * allowed only as a quoted value (“…”, "…", `…`), a host, a URL, a rule id, a flag,
 * a field name, a code point (U+202E) or one of the format names below. A service's
 * name is not a quoted value: 「WeChat (微信)」 is English in a Chinese sentence.
 */
const TOKENS = new Set([
  // field names and the API's values
  ...['type', 'data', 'text', 'articles', 'position', 'receiver_id', 'save_sender_box', 'display_name', 'summary', 'image', 'url', 'longitude', 'latitude', 'message', 'context', 'channel', 'account', 'paidLinks', 'limits', 'maxBytes', 'extra', 'text2'],
  // formats, encodings, schemes; JSON's literal
  ...['JSON', 'YAML', 'UTF', 'URL', 'IP', 'JPG', 'JPEG', 'PNG', 'GIF', 'KB', 'int64', 'bigint', 'null', 'http', 'https', 'TypeScript', 'JavaScript'],
  // a product Chinese writes in Latin letters: 腾讯QQ
  'QQ',
]);

export function foreignWords(zh: string): string[] {
  const bare = zh
    .replace(/“[^”]*”|"[^"]*"|`[^`]*`/g, ' ')
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S*/gi, ' ')
    .replace(/\bhttp\(s\)/g, ' ')
    .replace(/\b\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)?/g, ' ')
    .replace(/\bU\+[0-9A-F]{4,6}\b/g, ' ')
    .replace(/(?<![\w-])--[a-z][\w-]*/g, ' ')
    .replace(/\b[a-z]+\/[a-z0-9]+(?:-[a-z0-9]+)*\b/g, ' ')
    .replace(/\b[\w-]+(?:(?:\.|\[\d+\]\.?)[\w-]+)+(?:\[\d+\])?/g, ' ')
    .replace(/\.[a-z0-9]+\b/g, ' ');
  return [...bare.matchAll(/[A-Za-z][A-Za-z0-9_]*/g)].map((m) => m[0]).filter((w) => !TOKENS.has(w));
}

const gate = createGate({ cwd: makeRepo({}) });
const yaml = (file: string) => parse(readFileSync(join(repoRoot, 'rules', file), 'utf8'));
const competitors = yaml('competitors.yaml') as { services: Array<{ id: string; names: Array<string | { text: string; ambiguous: boolean }>; domains: string[]; schemes: string[] }> };
const shorteners = (yaml('shorteners.yaml') as { shorteners: Array<{ domain: string }> }).shorteners;
const redirectors = (yaml('redirectors.yaml') as { redirectors: Array<{ domain: string; paths?: string[]; params: string[] }> }).redirectors;

const found: Array<{ rule: string; zh: string }> = [];
const add = (fs: readonly Finding[]) => {
  for (const f of fs) found.push({ rule: f.rule, zh: f.message.zh });
};
const reason = (rule: string, r: Localized) => found.push({ rule, zh: r.zh });

const texts: Array<[string, ContextInput?]> = [
  ['加我微信 abc123 咨询'],
  ['支持微信支付和支付宝'],
  ['我们在抖音也有账号'],
  ['打开微信小程序搜索 acme 下单', { channel: 'ad' }],
  ['详情见 https://wei\u200bbo.com/x'],
  ['访问 evil。cn 领取'],
  ['访问 evil[.]cn 领取'],
  ['请看 report.pdf 附件'],
  ['http://1.2.3.4/x'],
  ['https://weibo.com@evil.cn/x'],
  ['javascript:alert(1)'],
  ['https://weibo.com/x', { account: 'personal' }],
  [Array.from({ length: 300 }, (_, i) => `https://e${i}.example.org/`).join(' ')],
  ['https://www.baidu.com/link?url=https%3A%2F%2Fevil.cn%2F'],
];
for (const [text, context] of texts) add(gate.checkText(text, context));
add(gate.check({ type: 'articles', data: { articles: [{ display_name: 'a', summary: 's', image: 'https://weibo.com/x.jpg', url: 'not a url' }] }, receiver_id: '1722052204' }).findings);
for (const window of [{ state: 'none' }, { state: 'expired', expiresAt: '2026-11-30T08:00:00Z' }, { state: 'unfollowed' }, { state: 'open', remaining: 0, mentionOnly: true }, { state: 'open', remaining: 0 }] as const) {
  add(gate.check({ type: 'text', data: { text: '您好' }, receiver_id: '1722052204' }, { window }).findings);
}
// Data-driven wording: every service by its names, domains and schemes; every shortener and redirector.
for (const s of competitors.services) {
  for (const d of s.domains ?? []) add(gate.checkUrl(`https://${d}/x`));
  for (const scheme of s.schemes ?? []) add(gate.checkUrl(`${scheme}://x`));
  const name = s.names.find((n) => typeof n === 'string' || !n.ambiguous);
  const text = typeof name === 'string' ? name : name!.text;
  add(gate.checkText(`加我${text}：acme2026`));
  add(gate.checkText(`${text}上也能看到`));
}
for (const s of shorteners) add(gate.checkUrl(`https://${s.domain}/abc`));
for (const r of redirectors) add(gate.checkUrl(`https://${r.domain}${r.paths?.[0] ?? '/'}?${r.params[0]}=opaque123`));
// Reasons explain shows for allowed links: each whitelist category and a channel exception.
for (const [url, channel] of [['https://weibo.com/x'], ['https://www.gov.cn/x'], ['https://people.com.cn/x'], ['https://wxaurl.cn/x', 'ad'], ['weixin://dl/business/?t=1', 'ad']] as const) {
  reason('link/allowed', classifyLink(canonicalize(url)!, gate.policy, channel ?? 'reply').reason);
}
// The audit's own rules.
const repo = makeRepo({
  'a.json': '{"text": "x",,}',
  'b.yaml': 'a: [1, 2\nb: c\n',
  'c.ts': "export const a = 'https://weibo.com/x';\nexport const b = ;\n",
  'd.ts': [
    '// weibo-guard-disable-next-line link/not-whitelisted',
    "export const x = 'https://evil.cn/';",
    '// weibo-guard-disable-next-line link/not-whitelisted -- partner',
    "export const y = '你好';",
    'export const u = (h: string) => `https://${h}/x`;',
    '',
  ].join('\n'),
  'e.txt': 'x'.repeat(2000),
});
// Not UTF-8: é as one Latin-1 byte.
writeFileSync(join(repo, 'f.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
for (const f of audit(repo, { maxFileBytes: 1000 }).findings) found.push({ rule: f.rule, zh: f.messages.zh });

describe('every Chinese message of the engine and the audit is wholly Chinese', () => {
  test('the inputs reach every rule of the catalogue outside payload/ (payload/ and context/: test/payload/zh-messages.test.ts)', () => {
    const rules = new Set(found.map((f) => f.rule));
    for (const rule of rulesOf('engine').filter((id) => !id.startsWith('payload/') && !id.startsWith('context/'))) expect(rules, rule).toContain(rule);
    for (const rule of ['audit/unreadable', 'audit/file-too-large', 'audit/suppression-without-reason', 'audit/unused-suppression', 'link/unresolved']) expect(rules, rule).toContain(rule);
  });

  const unique = [...new Map(found.map((f) => [`${f.rule}\0${f.zh}`, f])).values()];
  test.each(unique.map((f) => [f.rule, f.zh] as const))('%s: %s', (_rule, zh) => {
    expect(foreignWords(zh)).toEqual([]);
  });

  test('the check has teeth: English service names and parser reasons are caught', () => {
    expect(foreignWords('提到竞品服务「WeChat (微信)」（“加微信”）')).toEqual(['WeChat']);
    expect(foreignWords('t.cn 是短链接服务（Weibo），无法检查其目标')).toEqual(['Weibo']);
    expect(foreignWords('不是有效的 JSON：Unexpected token。')).toEqual(['Unexpected', 'token']);
    expect(foreignWords('“abc” 在 data.text 中，见 https://a.cn/x 与 link/shortener、U+202E、--max-file-bytes')).toEqual([]);
  });
});
