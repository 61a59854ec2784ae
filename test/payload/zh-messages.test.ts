import { describe, expect, test } from 'vitest';
import { judgeLine } from '../../src/cli/check.js';
import { createGate } from '../../src/gate.js';
import type { Finding } from '../../src/findings.js';
import { RULE_IDS } from '../../src/registry.js';

const gate = createGate();

/**
 * ASCII words a Chinese message may carry: field names and paths, the API's type values,
 * format and encoding names, JSON's literals. Connective words ("or", "must", "a") may not.
 */
const TOKENS = new Set([
  ...['type', 'data', 'text', 'articles', 'position', 'receiver_id', 'save_sender_box', 'display_name', 'summary', 'image', 'url', 'longitude', 'latitude', 'message', 'context', 'channel', 'account', 'paidLinks'],
  ...['JSON', 'UTF', 'URL', 'int64', 'bigint', 'null', 'JPG', 'JPEG', 'PNG', 'GIF', 'KB', 'limits', 'maxBytes', 'extra', 'text2'],
]);

/** The ASCII words of `zh` outside quotes, dotted paths and hosts that are not allowed tokens. */
function foreignWords(zh: string): string[] {
  const bare = zh
    .replace(/“[^”]*”|"[^"]*"|「[^」]*」/g, ' ')
    .replace(/\b[\w-]+(?:(?:\.|\[\d+\]\.?)[\w-]+)+(?:\[\d+\])?/g, ' ')
    .replace(/\.[a-z0-9]+\b/g, ' ');
  return [...bare.matchAll(/[A-Za-z][A-Za-z0-9_]*/g)].map((m) => m[0]).filter((w) => !TOKENS.has(w));
}

const r = '1722052204';
const MESSAGES: unknown[] = [
  'not json',
  [1],
  '{"type": "text", "data": ',
  '{"type":"text","data":{"text":"hi"} x}',
  { type: 'x', data: {} },
  { type: 'text' },
  { type: 'text', data: { text: 5 }, receiver_id: r },
  { type: 'text', data: { text: [1] }, receiver_id: true },
  { type: 'text', data: { text: null }, receiver_id: r },
  { type: 'text', data: { text: '' }, receiver_id: 1.5 },
  { type: 'text', data: 'zz', receiver_id: r },
  { type: 'text', data: 7, receiver_id: r },
  { type: 'text', data: { text: 'a' }, receiver_id: r, save_sender_box: 7, extra: 1 },
  { type: 'text', data: { text: 'x'.repeat(3000) }, receiver_id: r },
  { type: 'text', data: { text: 'a', text2: 1 }, receiver_id: '123456789012345678901234' },
  { type: 'articles', data: { articles: [{ display_name: 1, summary: 's', image: 'https://weibo.com/x.gif', url: 'https://weibo.com' }] }, receiver_id: r },
  { type: 'articles', data: { articles: [{ display_name: 'a', summary: 's', image: 'https://weibo.com/x', url: 'https://weibo.com' }] }, receiver_id: r },
  { type: 'articles', data: { articles: [] }, receiver_id: r },
  { type: 'articles', data: { articles: Array.from({ length: 12 }, () => ({ display_name: 'a', summary: 's', image: 'https://weibo.com/x.jpg', url: 'https://weibo.com' })) }, receiver_id: r },
  { type: 'position', data: { longitude: '500', latitude: 'x' }, receiver_id: r },
  { type: 'position', data: { longitude: 5, latitude: null }, receiver_id: r },
  { type: 1, data: {}, receiver_id: {} },
  { type: 'text', data: { text: '' }, receiver_id: r },
  { type: 'text', data: { text: 'hi' }, receiver_id: 2 ** 60 },
  '{"type":"text","data":{"text":"hi","text":"加我微信"},"receiver_id":"1"}',
  { type: 'text', data: { text: 'x'.repeat(70_000) }, receiver_id: r },
  { type: 'position', data: { longitude: '500', latitude: '95' }, receiver_id: r },
  { type: 'articles', data: { articles: Array.from({ length: 2 }, () => ({ display_name: 'a', summary: 's', image: 'https://weibo.com/x.jpg', url: 'https://weibo.com' })) }, receiver_id: r },
];
const LINES = ['{"type": }', `{"message": {"type":"text","data":{"text":"hi"},"receiver_id":"1"}, "context": {"channel": "sms"}}`, '{"message": {}, "context": 1}', '{"message": {}, "nope": 1}'];

describe('every Chinese message of the payload rules and the CLI is wholly Chinese', () => {
  const findings: Finding[] = [];
  for (const m of MESSAGES) findings.push(...gate.check(m).findings);
  for (const [i, line] of LINES.entries()) findings.push(...judgeLine(gate, line, i + 1, undefined).findings);
  const ours = findings.filter((f) => f.rule.startsWith('payload/') || f.rule.startsWith('context/'));

  test('the inputs reach every payload rule that words its own message', () => {
    const rules = new Set(ours.map((f) => f.rule));
    for (const rule of [...RULE_IDS.filter((id) => id.startsWith('payload/')), 'context/invalid']) {
      expect(rules, rule).toContain(rule);
    }
  });

  test.each(ours.map((f) => [f.rule, f.message.zh] as const))('%s: %s', (_rule, zh) => {
    expect(foreignWords(zh)).toEqual([]);
  });

  test('format lists read as Chinese lists', () => {
    const f = gate.check(MESSAGES[16]).findings.find((x) => x.rule === 'payload/image-format')!;
    expect(f.message.zh).toContain('JPG、JPEG 或 PNG');
  });
});
