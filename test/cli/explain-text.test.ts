import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { explainText } from '../../src/cli/explain-text.js';
import { createGate } from '../../src/gate.js';

// CLI tests run the built package (npx tsc -p tsconfig.build.json), as a user would.
const MAIN = resolve('dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'wg-explain-'));
const run = (args: string[], input?: string) => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { input, encoding: 'utf8', cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('weibo-guard explain --text', () => {
  test('the normalized text, the sentence, the name and directive with their spans, and why', () => {
    const r = run(['explain', '--text', '您好。去抖🌟音搜我们！微信支付暂不支持']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/normalized\s+"您好。去抖🌟音搜我们!微信支付暂不支持"/);
    expect(r.out).toMatch(/sentence\s+\[3, 12\) "去抖🌟音搜我们！" → promotion/);
    expect(r.out).toMatch(/name\s+douyin "抖🌟音" \[4, 8\) \(term "抖音"\) → promotion/);
    expect(r.out).toMatch(/directive\s+direction "去抖🌟音搜" \[3, 9\)/);
    expect(r.out).toMatch(/why\s+the name "抖音" joined to a direction/);
    expect(r.out).toMatch(/mention-only wechat "微信支付" \[12, 16\) → mention/);
    expect(r.out).toContain('✖ blocked');
  });
  test('a negated directive is shown as such; a mention exits 0', () => {
    const r = run(['explain', '--text', '请勿添加陌生人微信']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/cta "添加" \[2, 4\) negated by "请勿"/);
    expect(r.out).toMatch(/name\s+wechat "微信" \[7, 9\) → mention/);
  });
  test('nothing: the first look says so', () => {
    const r = run(['explain', '--text', '您的订单已发货']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/competitor\s+nothing \(the first look found no service name\)/);
  });
  test('--format json is the trace as plain data', () => {
    const r = run(['explain', '--format', 'json', '--text', 'Check our official WeChat for updates']);
    expect(r.code).toBe(1);
    const e = JSON.parse(r.out);
    expect(e.texts[0].trace.sentences[0].names[0]).toMatchObject({ service: 'wechat', original: 'WeChat', result: 'promotion', directive: { kind: 'possession' } });
  });
  test('--message reads a file or stdin and explains every text field', () => {
    const message = JSON.stringify({
      type: 'articles',
      data: { articles: [{ display_name: '新品', summary: '关注我们的视频号', image: 'https://wx1.sinaimg.cn/large/a.jpg', url: 'https://weibo.com/ttarticle/p/show?id=1' }] },
      receiver_id: '1',
    });
    const p = join(dir, 'm.json');
    writeFileSync(p, message);
    for (const r of [run(['explain', '--message', p]), run(['explain', '--message'], message), run(['explain', '--message', '-'], message)]) {
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/data\.articles\[0\]\.summary\s+"关注我们的视频号"/);
      expect(r.out).toMatch(/surface\s+wechat-channels "视频号"/);
    }
  });
  test('usage errors say what is wrong', () => {
    expect(run(['explain'])).toMatchObject({ code: 2, err: expect.stringContaining('explain needs a URL, --text <text> or --message [file]') });
    expect(run(['explain', 'https://weibo.com', '--text', 'x'])).toMatchObject({ code: 2, err: expect.stringContaining('not two of them') });
    expect(run(['explain', '--message', join(dir, 'missing.json')])).toMatchObject({ code: 2, err: expect.stringContaining('cannot read') });
  });
});

describe('explainText uses the checker the gate uses', () => {
  const gate = createGate({ cwd: '/tmp' });
  test('a link is the link rules\' to judge, as in the gate', () => {
    const e = explainText(gate, { text: '详情见 https://weixin.qq.com/r/x' }, {});
    expect(e.texts[0]!.trace.sentences.flatMap((s) => s.names)).toEqual([]);
    expect(e.findings.map((f) => f.rule)).toEqual(['link/competitor']);
  });
  test('the trace agrees with the findings', () => {
    for (const text of ['加我微信', '微信支付暂不支持', '上快手找我', '您好']) {
      const e = explainText(gate, { text }, {});
      const promoted = e.findings.some((f) => f.rule === 'competitor/promotion');
      expect(e.texts[0]!.trace.result === 'promotion', text).toBe(promoted);
    }
  });
});
