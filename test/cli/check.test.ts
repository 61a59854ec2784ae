import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { boundedLines, checkLines, judgeLine } from '../../src/cli/check.js';
import { excerpt, formatVerdict, wantsColor } from '../../src/cli/format.js';
import { createGate } from '../../src/gate.js';

// CLI tests run the built package (npx tsc -p tsconfig.build.json), as a user would.
const MAIN = resolve('dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'wg-cli-'));
const run = (args: string[], input?: string, env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { input, encoding: 'utf8', cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const file = (name: string, body: string) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};
const ok = JSON.stringify({ type: 'text', data: { text: '您好，已为您处理' }, receiver_id: '1722052204' });
const bad = JSON.stringify({ type: 'text', data: { text: '加我微信 abc' }, receiver_id: '1722052204' });

describe('weibo-guard check', () => {
  test('exit 0 for an allowed message, JSON when not a terminal', () => {
    const r = run(['check', file('ok.json', ok)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ allowed: true, findings: [] });
  });
  test('exit 1 for a blocked one, from a file or stdin', () => {
    expect(run(['check', file('bad.json', bad)]).code).toBe(1);
    const r = run(['check', '-'], bad);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings[0].rule).toBe('competitor/promotion');
    expect(run(['check'], ok).code).toBe(0);
  });
  test('exit 2 naming the file when it cannot be read', () => {
    const r = run(['check', join(dir, 'missing.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('missing.json');
    expect(r.err).toContain('ENOENT');
    expect(run(['check', '--jsonl', join(dir, 'missing.jsonl')]).code).toBe(2);
    expect(run(['check', '--jsonl', dir]).err).toContain('EISDIR');
  });
  test('exit 2 for malformed JSON, naming file:line:column (stdin as "stdin"), not a blocked verdict', () => {
    const r = run(['check', file('broken.json', '{\n  "type": "text",\n  "data": {"text": "hi"}}\n}')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/broken\.json:4:1: not valid JSON/);
    for (const [input, where] of [
      ['{"type": "text", "data": }', 'stdin:1:26'],
      ['{"type": "text",\n "data": {"text": "a\u0001"}}', 'stdin:2:21'],
      ['{"type": "text", "data": {"text": "hi"}', 'stdin:1:40'],
      ['{"type": tru}', 'stdin:1:13'],
      ['{"a": 01}', 'stdin:1:8'],
      ['{"a": "\\x"}', 'stdin:1:9'],
      ['{"a": 1} x', 'stdin:1:10'],
      ['[1 2]', 'stdin:1:4'],
    ] as const) {
      const s = run(['check'], input);
      expect(s.code, input).toBe(2);
      expect(s.err, input).toContain(`${where}: not valid JSON`);
    }
    // A form body is still read as one.
    expect(run(['check'], 'type=text&data=%7B%22text%22%3A%22hi%22%7D&receiver_id=1').code).toBe(0);
    // In --jsonl a bad line stays a verdict naming its line.
    const j = run(['check', '--jsonl'], `${ok}\n{"type": }\n`);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out.split('\n')[1]!).findings[0].message.en).toMatch(/^line 2: not valid JSON/);
  });
  test('input that is not UTF-8 is refused naming the byte, never judged as U+FFFD', () => {
    const text = (bytes: number[]) => Buffer.concat([Buffer.from('{"type":"text","data":{"text":"'), Buffer.from(bytes), Buffer.from('"},"receiver_id":"1"}')]);
    const p = join(dir, 'latin1.json');
    writeFileSync(p, text([0xe9]));
    const r = run(['check', p]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('latin1.json: not valid UTF-8 at byte 31');
    const s = spawnSync(process.execPath, [MAIN, 'check'], { input: text([0x61, 0xed, 0xa0, 0x80]), encoding: 'utf8', cwd: dir });
    expect(s.status).toBe(2);
    expect(s.stderr).toContain('stdin: not valid UTF-8 at byte 32');
    const lines = Buffer.concat([Buffer.from(`${ok}\n`), text([0xc3]), Buffer.from(`\n${ok}\n`)]);
    const j = spawnSync(process.execPath, [MAIN, 'check', '--jsonl'], { input: lines, encoding: 'utf8', cwd: dir });
    expect(j.status).toBe(1);
    const verdicts = j.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, false, true]);
    expect(verdicts[1].findings[0].message.en).toBe('line 2: not valid UTF-8 at byte 31 of the line; save the input as UTF-8');
  });
  test('exit 2 for empty input, naming it', () => {
    const r = run(['check'], '');
    expect(r.code).toBe(2);
    expect(r.err).toContain('stdin is empty');
    expect(run(['check', file('empty.json', '\n')]).err).toContain('empty.json is empty');
  });
  test('exit 2 for a usage error', () => {
    expect(run(['check', '--channel', 'sms'], ok).code).toBe(2);
    expect(run(['check', '--jsonl', '--format', 'text'], ok).code).toBe(2);
  });
  test('--format text: readable, the offending text underlined, no colour under NO_COLOR', () => {
    const r = run(['check', '--format', 'text', file('bad2.json', bad)]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('error   competitor/promotion data.text');
    expect(r.out).toContain('│ 加我微信 abc\n');
    expect(r.out).toContain('│ ^^^^^^^^\n');
    expect(r.out).toContain('✖ blocked (1 error, 0 warnings)');
    expect(r.out).not.toContain('\u001b[');
  });
  test('--account, --channel and --config shape the context', () => {
    const link = JSON.stringify({ type: 'text', data: { text: '见 https://weibo.com/x' }, receiver_id: '1' });
    expect(run(['check'], link).code).toBe(0);
    expect(run(['check', '--account', 'personal'], link).code).toBe(1);
    expect(run(['check', '--account', 'personal', '--paid-links'], link).code).toBe(0);
    const mini = JSON.stringify({ type: 'text', data: { text: '见 https://wxaurl.cn/abc' }, receiver_id: '1' });
    expect(run(['check', '--channel', 'ad'], mini).code).toBe(0);
    expect(run(['check', '--channel', 'reply'], mini).code).toBe(1);
    const cfg = file('personal.yaml', 'account: personal\n');
    expect(run(['check', '--config', cfg], link).code).toBe(1);
    const broken = file('broken.yaml', 'account: [\n');
    const r = run(['check', '--config', broken], link);
    expect(r.code).toBe(2);
    expect(r.err).toContain('broken.yaml:');
  });
});

describe('weibo-guard check --jsonl', () => {
  test('one verdict per non-blank line, in order, each naming its line; a malformed line is a verdict naming it and later lines are judged', () => {
    const lines = [ok, '{"type": "text", oops', bad, JSON.stringify({ message: JSON.parse(ok), context: { account: 'personal' } }), '', ok];
    const r = run(['check', '--jsonl'], lines.join('\n') + '\n');
    expect(r.code).toBe(1);
    const verdicts = r.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(verdicts.map((v) => [v.line, v.allowed])).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [4, true],
      [6, true],
    ]);
    expect(verdicts[1].findings[0]).toMatchObject({ rule: 'payload/invalid-json', evidence: { detail: 'line 2' } });
    expect(verdicts[1].findings[0].message.en).toMatch(/^line 2: not valid JSON/);
  });
  test('blank lines (empty, spaces, CRLF) are skipped, as send and inbound skip them: no verdict, no block', () => {
    const r = run(['check', '--jsonl'], `\n${ok}\r\n  \t\r\n\n${ok}\n\n`);
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual([
      { line: 2, allowed: true, findings: [] },
      { line: 5, allowed: true, findings: [] },
    ]);
    expect(run(['check', '--jsonl'], '\n \n').out).toBe('');
  });
  test('exit 0 when every line is allowed; CRLF input and a BOM work', () => {
    expect(run(['check', '--jsonl'], `${ok}\r\n${ok}\r\n`).code).toBe(0);
    expect(run(['check', '--jsonl'], `\ufeff${ok}\n`).code).toBe(0);
    expect(run(['check'], `\ufeff${ok}`).code).toBe(0);
    expect(run(['check', '--jsonl'], '').code).toBe(0);
  });
  test('a per-line context overrides the flags', () => {
    const link = { type: 'text', data: { text: '见 https://weibo.com/x' }, receiver_id: '1' };
    const r = run(['check', '--jsonl', '--account', 'personal'], [JSON.stringify(link), JSON.stringify({ message: link, context: { account: 'enterprise' } })].join('\n'));
    expect(r.out.trimEnd().split('\n').map((l) => JSON.parse(l).allowed)).toEqual([false, true]);
  });
  test('int64 receivers on a line keep their digits', () => {
    const r = run(['check', '--jsonl'], '{"type":"text","data":{"text":"hi"},"receiver_id":9223372036854775807}\n');
    expect(JSON.parse(r.out)).toEqual({ line: 1, allowed: true, findings: [] });
  });
});

describe('weibo-guard check --jsonl: bounded work', () => {
  // A V8 heap of 1 GB: a run that holds a 20 MB line's findings (4 GB before the limits) dies instead.
  const bounded = (input: string | Buffer) => {
    const r = spawnSync(process.execPath, ['--max-old-space-size=1024', MAIN, 'check', '--jsonl'], { input, cwd: dir, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
    return { code: r.status, signal: r.signal, out: r.stdout.toString('utf8'), err: r.stderr.toString('utf8') };
  };
  test('a 20 MB link-dense line: a small verdict, and the next line is judged', () => {
    const huge = JSON.stringify({ type: 'text', data: { text: 'a.cn '.repeat(4_000_000) }, receiver_id: '1' });
    const r = bounded(`${huge}\n${ok}\n`);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.out.length).toBeLessThan(5 * 1024 * 1024);
    const verdicts = r.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(verdicts).toHaveLength(2);
    expect(verdicts[0].findings).toHaveLength(1);
    expect(verdicts[0].findings[0]).toMatchObject({ rule: 'payload/too-large', evidence: { detail: 'line 1' } });
    expect(verdicts[0].findings[0].message.en).toMatch(/^line 1: /);
    expect(verdicts[1]).toEqual({ line: 2, allowed: true, findings: [] });
  });
  test('a huge line that is not JSON is skipped unbuffered, reported with its length, and later lines judged', () => {
    const junk = Buffer.alloc(40 * 1024 * 1024, 'x');
    const r = bounded(Buffer.concat([Buffer.from(`${ok}\n`), junk, Buffer.from(`\n${bad}\n${ok}`)]));
    expect(r.signal).toBeNull();
    const verdicts = r.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, false, false, true]);
    expect(verdicts[1].findings[0]).toMatchObject({ rule: 'payload/too-large', evidence: { detail: 'line 2' } });
    expect(verdicts[1].findings[0].message.en).toContain(`${junk.length} bytes`);
    expect(verdicts[2].findings[0].rule).toBe('competitor/promotion');
  });
  test('duplicate keys on a line: positions are columns of the line, wrapped or not', () => {
    const line = '{"type":"text","data":{"text":"https://evil.cn","text":"ok"},"receiver_id":"1"}';
    const wrapped = `{"message":${line},"context":{"account":"enterprise"}}`;
    const r = run(['check', '--jsonl'], `${line}\n${wrapped}\n`);
    const [a, b] = r.out.trimEnd().split('\n').map((l) => JSON.parse(l));
    for (const [v, text] of [[a, line], [b, wrapped]] as const) {
      expect(v.allowed).toBe(false);
      const dup = v.findings.find((f: { rule: string }) => f.rule === 'payload/duplicate-key');
      expect(dup.path).toBe('data.text');
      const second = text.indexOf('"text":"ok"');
      expect(dup.message.en).toContain(`column ${second + 1}`);
      expect(v.findings.map((f: { rule: string }) => f.rule)).toContain('link/not-whitelisted');
    }
    const twice = run(['check', '--jsonl'], `{"message":${line.replace('https://evil.cn', 'ok')},"message":{"type":"text","data":{"text":"ok"},"receiver_id":"1"}}\n`);
    expect(JSON.parse(twice.out).findings.map((f: { rule: string; path: string }) => `${f.rule}@${f.path}`)).toContain('payload/duplicate-key@message');
  });
});

describe('in-process pieces', () => {
  const gate = createGate({ cwd: '/tmp' });
  test('judgeLine: a bad context on a line is a verdict, not a crash', () => {
    const v = judgeLine(gate, JSON.stringify({ message: JSON.parse(ok), context: { channel: 'sms' } }), 7, undefined);
    expect(v.findings[0]).toMatchObject({ rule: 'context/invalid' });
    expect(v.findings[0]!.message.en).toMatch(/^line 7: context\.channel/);
    expect(judgeLine(gate, JSON.stringify({ message: JSON.parse(ok), extra: 1 }), 1, undefined).findings[0]!.rule).toBe('payload/invalid-json');
  });
  test('boundedLines: lines split across chunks (a UTF-8 character too), CRLF, an over-long line counted, not kept', async () => {
    const bytes = Buffer.from('ab\r\n好好\n\nxxxxxxxxxxxx\nlast', 'utf8');
    for (const size of [1, 2, 3, 5, 64]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const got: Array<string | { tooLong: number } | { notUtf8: number }> = [];
      for await (const line of boundedLines(Readable.from(chunks), 8)) got.push(line);
      expect(got).toEqual(['ab', '好好', '', { tooLong: 12 }, 'last']);
    }
  });
  test('boundedLines: a line that is not UTF-8 is where it goes wrong, split across chunks or not', async () => {
    const bytes = Buffer.concat([Buffer.from('ok\nab'), Buffer.from([0xe5, 0xa5]), Buffer.from('x\n'), Buffer.from([0xff]), Buffer.from('\n好\n')]);
    for (const size of [1, 3, 64]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const got: unknown[] = [];
      for await (const line of boundedLines(Readable.from(chunks), 64)) got.push(line);
      expect(got).toEqual(['ok', { notUtf8: 2 }, { notUtf8: 0 }, '好']);
    }
  });
  test('checkLines waits for drain: a slow reader never makes the output buffer grow without bound', async () => {
    const input = new PassThrough();
    let maxBuffered = 0;
    const chunks: string[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk, _enc, cb) {
        chunks.push(String(chunk));
        setImmediate(cb);
      },
    });
    const done = checkLines(gate, input, slow, undefined, 'stdin');
    const watch = setInterval(() => (maxBuffered = Math.max(maxBuffered, slow.writableLength)), 0);
    for (let i = 0; i < 2000; i++) input.write(`${ok}\n`);
    input.end();
    expect(await done).toBe(0);
    clearInterval(watch);
    slow.end();
    await once(slow, 'finish');
    expect(chunks.join('').split('\n').filter(Boolean)).toHaveLength(2000);
    expect(maxBuffered).toBeLessThan(64 * 1024);
  });
  test('format: spans are underlined in display columns (CJK is two wide)', () => {
    expect(excerpt('加我微信 abc', { start: 0, end: 4 })).toEqual({ line: '加我微信 abc', carets: '^^^^^^^^' });
    expect(excerpt('ab\ncd', { start: 3, end: 5 })).toEqual({ line: 'ab⏎cd', carets: '   ^^' });
    const long = `${'x'.repeat(100)}evil.cn${'y'.repeat(100)}`;
    expect(excerpt(long, { start: 100, end: 107 }, 5)).toEqual({ line: '…xxxxxevil.cnyyyyy…', carets: '      ^^^^^^^' });
  });
  test('format: colour only on a TTY without NO_COLOR', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(wantsColor({ isTTY: true }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
    const v = gate.check(JSON.parse(bad));
    expect(formatVerdict(v, () => '加我微信 abc', { color: true })).toContain('\u001b[31m');
    expect(formatVerdict(v, () => '加我微信 abc', { color: false, lang: 'zh' })).not.toContain('Promotes');
  });
});

describe('weibo-guard explain', () => {
  test('shows the canonical form and the deciding entry; exit 0 when allowed', () => {
    const r = run(['explain', 'HTTPS://WWW.People.com.cn./n1/x']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/host\s+www\.people\.com\.cn \(domain\)/);
    expect(r.out).toMatch(/entry\s+whitelist\/media\.yaml:\d+ people\.com\.cn/);
    expect(r.out).toContain('✔ allowed');
  });
  test('exit 1 with the rule that blocks', () => {
    const r = run(['explain', 'https://weixin.qq.com/r/x']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/rule\s+link\/competitor/);
    expect(r.out).toMatch(/entry\s+rules\/competitors\.yaml:\d+ weixin\.qq\.com/);
    const none = run(['explain', 'evil。cn']);
    expect(none.out).toMatch(/form\s+obfuscated \(folded: fullwidth-dot\)/);
    expect(none.out).toContain('none: no whitelist entry covers this host');
  });
  test('--format json and channel', () => {
    const r = run(['explain', '--format', 'json', '--channel', 'ad', 'https://wxaurl.cn/x']);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.out);
    expect(e).toMatchObject({ input: 'https://wxaurl.cn/x', allowed: true, decision: { rule: 'link/allowed' }, link: { host: 'wxaurl.cn' } });
  });
  test('not a link', () => {
    const r = run(['explain', '这不是链接']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('not a link');
  });
});

describe('weibo-guard explain: redirect hops and invisible characters', () => {
  test('names the hop a redirect page sends to, and blocks', () => {
    const r = run(['explain', 'https://weibo.cn/sinaurl?u=https%3A%2F%2Fevil.cn%2Fx']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/redirects\n\s+→ query u\s+https:\/\/evil\.cn\/x \(evil\.cn\): link\/not-whitelisted/);
    expect(r.out).toContain('link/redirect');
  });
  test('an allowed hop is shown too', () => {
    const r = run(['explain', 'https://weibo.cn/sinaurl?u=https%3A%2F%2Fwww.people.com.cn%2F']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/→ query u\s+https:\/\/www\.people\.com\.cn\/ \(www\.people\.com\.cn\): link\/allowed/);
  });
  test('a listed redirector whose target cannot be read', () => {
    const r = run(['explain', 'https://www.baidu.com/link?url=abcDEF123']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/→ \?\s+rules\/redirectors\.yaml:\d+ baidu\.com \(Baidu\)/);
  });
  test('lists the invisible characters removed', () => {
    // argv cannot carry NUL; a right-to-left override before "@" does the same.
    const r = run(['explain', 'https://www.people.com.cn\u202e@evil.cn/x']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/invisible\s+removed before judging: U\+202E RIGHT-TO-LEFT OVERRIDE at 25/);
    expect(r.out).toMatch(/host\s+evil\.cn/);
  });
});
