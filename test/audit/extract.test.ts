import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGate, looksLikePayload } from '../../src/gate.js';
import { runAudit } from '../../src/audit/run.js';
import { audit, brief, makeRepo } from './helpers.js';

describe('TS/JS: constants resolved across files', () => {
  const repo = makeRepo({
    'src/consts.ts': "export const SHOP = 'https://evil-shop.com';\nexport const OK = 'https://www.people.com.cn';\nexport const LINKS = { promo: 'https://promo-deals.net' } as const;\n",
    'src/barrel.ts': "export * from './consts.js';\n",
    'src/rename.ts': "export { SHOP as STORE } from './barrel.js';\n",
    'src/replies.ts': [
      "import { STORE } from './rename.js';",
      "import * as C from './consts.js';",
      "import { LINKS } from './barrel.js';",
      'export const a = `活动 ${STORE}/promo`;',
      'export const b = `看看 ${C.OK}/news`;',
      "export const c = '领券 ' + LINKS.promo;",
      'export function d(host: string) { return `https://${host}/x`; }',
      'export function e(name: string) { return `${name}，欢迎！`; }',
      "export function f() { const SHOP = 'https://www.people.com.cn'; return `${SHOP}/ok`; }",
      '',
    ].join('\n'),
  });
  const result = audit(repo);
  const inReplies = brief(result.findings.filter((f) => f.file === 'src/replies.ts'));

  it('judges a template as the full URL through a rename-and-star re-export chain, reported at the template', () => {
    expect(inReplies).toContain('src/replies.ts:4:22-4:36 link/not-whitelisted "${STORE}/promo"');
  });

  it('resolves namespace imports and object members, and concatenation', () => {
    expect(inReplies.some((l) => l.includes(':5:'))).toBe(false); // people.com.cn is licensed media
    expect(inReplies).toContain('src/replies.ts:6:26-6:37 link/not-whitelisted "LINKS.promo"');
  });

  it('warns only where an unresolved part is in a URL host, and lets local constants shadow imports', () => {
    expect(inReplies).toContain('src/replies.ts:7:51-7:58 link/unresolved "${host}"');
    expect(inReplies.filter((l) => l.includes('link/unresolved'))).toHaveLength(1);
    expect(inReplies.some((l) => l.includes(':9:'))).toBe(false);
  });

  it('reports the constant itself where it is defined too', () => {
    expect(brief(result.findings.filter((f) => f.file === 'src/consts.ts'))).toEqual([
      'src/consts.ts:1:22-1:43 link/not-whitelisted "https://evil-shop.com"',
      'src/consts.ts:3:32-3:55 link/not-whitelisted "https://promo-deals.net"',
    ]);
  });

  it('reads JSX: link attributes as URLs and text between tags', () => {
    const r = audit(makeRepo({ 'card.tsx': 'export const C = () => <p>\n  加微信 abc123 领取 <a href="https://evil.com/x">点此</a>\n</p>;\n' }));
    expect(brief(r.findings)).toEqual([expect.stringMatching(/^card\.tsx:2:3-2:6 competitor\/promotion "加微信"$/), 'card.tsx:2:26-2:44 link/not-whitelisted "https://evil.com/x"']);
  });

  it('a syntax error is reported where it is, and the strings around it are still checked', () => {
    const r = audit(makeRepo({ 'bad.js': "const a = 'https://evil.com';\nconst b = (;\n" }));
    expect(r.findings.map((f) => `${f.line}:${f.column} ${f.rule}`)).toEqual(['1:12 link/not-whitelisted', '2:12 audit/unreadable']);
    expect(r.findings[1]!.message).toMatch(/^Not valid JavaScript: Expression expected/);
  });

  it('follows default exports, extensionless and folder imports, and .mjs/.cjs files', () => {
    const r = audit(
      makeRepo({
        'lib/index.ts': "export { default as HOST } from './host';\n",
        'lib/host.ts': "const HOST = 'https://evil-default.com';\nexport default HOST;\n",
        'cfg.mjs': "export const CDN = 'https://evil-cdn.net';\n",
        'use.ts': "import { HOST } from './lib';\nimport { CDN } from './cfg.mjs';\nexport const x = `${HOST}/a ${CDN}/b`;\n",
      }),
    );
    expect(brief(r.findings.filter((f) => f.file === 'use.ts'))).toEqual([
      'use.ts:3:19-3:28 link/not-whitelisted "${HOST}/a"',
      'use.ts:3:29-3:37 link/not-whitelisted "${CDN}/b"',
    ]);
  });

  it('points at escapes as written', () => {
    const r = audit(makeRepo({ 'a.js': "const s = 'see \\u0065vil.com \\u4e2d';\n" }));
    expect(brief(r.findings)).toEqual(['a.js:1:16-1:29 link/not-whitelisted "\\\\u0065vil.com"']);
  });
});

describe('TS/JS: payload-shaped literals and gate/sender calls', () => {
  const articles = (n: number, img = 'jpg') =>
    Array.from({ length: n }, (_, i) => `    { display_name: 'T${i}', summary: 'S', image: 'https://www.people.com.cn/${i}.${img}', url: 'https://www.people.com.cn/${i}' },`).join('\n');

  it('judges an object literal shaped like a payload as a whole payload (9 articles is an error)', () => {
    const r = audit(makeRepo({ 'p.ts': `export const p = {\n  type: 'articles',\n  data: { articles: [\n${articles(9)}\n  ] },\n};\n` }));
    expect(brief(r.findings)).toEqual([expect.stringMatching(/^p\.ts:3:21-13:4 payload\/articles-count /)]);
  });

  it('places a field finding on the field, and does not invent a missing receiver for a template', () => {
    const r = audit(makeRepo({ 'p.ts': `export const p = { type: 'articles', data: { articles: [\n${articles(1, 'gif')}\n] } };\n` }));
    expect(brief(r.findings)).toEqual([expect.stringMatching(/^p\.ts:2:\d+-2:\d+ payload\/image-format "gif"$/)]);
  });

  it('judges the argument of gate.check and sender.send as a payload even when it is a named constant', () => {
    const r = audit(
      makeRepo({
        'm.ts': "export const msg = { type: 'text', data: { text: '' } };\n",
        'use.ts': "import { msg } from './m.js';\nimport { createGate } from 'weibo-guard';\nconst gate = createGate(); gate.check(msg);\n",
        'send.ts': "import type { Sender } from 'weibo-guard';\ndeclare const sender: Sender;\nsender.send({ type: 'position', data: { longitude: '200', latitude: '30' } });\n",
      }),
    );
    const rules = brief(r.findings);
    expect(rules).toContain('m.ts:1:50-1:52 payload/text-empty "\'\'"');
    expect(rules.some((l) => l.startsWith('use.ts:3:39-3:42 payload/text-empty'))).toBe(true);
    expect(rules.some((l) => /^send\.ts:3:\d+-3:\d+ payload\/position-range "200"$/.test(l))).toBe(true);
  });

  it('judges the payload given to the sender (enqueue) even when the call is awaited on a property', async () => {
    const r = audit(makeRepo({ 'q.ts': "declare const app: { sender: { enqueue(m: unknown): Promise<unknown> } };\nawait app.sender.enqueue({ type: 'text', data: { text: '' } });\n" }));
    expect(r.findings.map((f) => `${f.line} ${f.rule}`)).toEqual(['2 payload/text-empty']);
  });

  it('does not report what it cannot know (a parameter or spread in a payload)', () => {
    const r = audit(makeRepo({ 'p.ts': "export function f(t: string, extra: object) { return { type: 'text', data: { text: t, ...extra } }; }\n" }));
    expect(r.findings).toEqual([]);
  });
});

describe('JSON, YAML, Markdown and text templates', () => {
  it('JSONC: comments, trailing commas, escapes located as written, payloads judged whole', () => {
    const r = audit(
      makeRepo({
        'menu.jsonc': '{\n  // menu\n  "a": "物流 kuaidi\\u3002com",\n  "b": ["ok", "https://evil.com",],\n}\n',
        'reply.json': '{"type": "text", "data": {"text": ""}}',
      }),
    );
    expect(brief(r.findings)).toEqual([
      'menu.jsonc:3:12-3:27 link/obfuscated "kuaidi\\\\u3002com"',
      'menu.jsonc:4:16-4:32 link/not-whitelisted "https://evil.com"',
      'reply.json:1:35-1:37 payload/text-empty "\\"\\""',
    ]);
  });

  it('a broken JSON file is a finding naming the line and column, not a crash', () => {
    const r = audit(makeRepo({ 'bad.json': '{\n  "a": "x"\n  "b": 1\n}\n' }));
    expect(brief(r.findings)).toEqual(['bad.json:3:3-3:4 audit/unreadable "\\""']);
    expect(r.findings[0]!.message).toMatch(/expected ',' or '}'/);
  });

  it('YAML: folded and quoted scalars located as written, payload documents judged whole', () => {
    const r = audit(
      makeRepo({
        'faq.yaml': 'q1: >\n  退换货请到\n  evil.com 查看\nq2: "see \\x65vil.org"\n---\ntype: articles\ndata:\n  articles:\n    - {display_name: a, summary: b, image: "https://www.people.com.cn/a.webp", url: "https://www.people.com.cn/"}\n',
      }),
    );
    expect(brief(r.findings)).toEqual([
      'faq.yaml:3:3-3:11 link/not-whitelisted "evil.com"',
      'faq.yaml:4:10-4:21 link/not-whitelisted "\\\\x65vil.org"',
      expect.stringMatching(/^faq\.yaml:9:\d+-9:\d+ payload\/image-format "webp"$/),
    ]);
  });

  it('YAML aliases are not expanded, and a payload field given by an alias is not guessed at', () => {
    const r = audit(
      makeRepo({
        'a.yaml': 'shop: &shop https://www.people.com.cn/shop\nreply:\n  type: articles\n  data:\n    articles:\n      - {display_name: a, summary: b, image: "https://www.people.com.cn/a.png", url: *shop}\n',
      }),
    );
    expect(r.findings).toEqual([]);
  });

  it('a broken YAML file is a finding, not a crash', () => {
    const r = audit(makeRepo({ 'bad.yaml': 'a: [1, 2\nb: 3\n' }));
    expect(r.findings.map((f) => f.rule)).toEqual(['audit/unreadable']);
  });

  it('Markdown: links, images, autolinks, reference definitions and text, each link once', () => {
    const r = audit(
      makeRepo({
        'FAQ.md': '# FAQ\n\n[shop](https://evil-a.com/x) ![img](https://evil-b.com/i.png)\n<https://evil-c.com>\n\n加微信 abc123 咨询\n\n[ref]: https://evil-d.com\n[ok](https://www.people.com.cn) [anchor](#faq)\n',
      }),
    );
    expect(brief(r.findings)).toEqual([
      'FAQ.md:3:8-3:28 link/not-whitelisted "https://evil-a.com/x"',
      'FAQ.md:3:37-3:61 link/not-whitelisted "https://evil-b.com/i.png"',
      'FAQ.md:4:2-4:20 link/not-whitelisted "https://evil-c.com"',
      expect.stringMatching(/^FAQ\.md:6:1-6:\d+ competitor\/promotion "加微信/),
      'FAQ.md:8:8-8:26 link/not-whitelisted "https://evil-d.com"',
    ]);
  });

  it('plain text templates', () => {
    const r = audit(makeRepo({ 'auto.txt': '您好\n请访问 https://evil.com 了解\n' }));
    expect(brief(r.findings)).toEqual(['auto.txt:2:5-2:21 link/not-whitelisted "https://evil.com"']);
  });

  it('an engine failure on one string is a finding at that string; the rest of the repo is still audited', () => {
    const dir = makeRepo({ 'a.txt': 'fine', 'b.txt': 'boom here', 'c.txt': 'https://evil.com' });
    const real = createGate({ cwd: dir });
    const engine = { ...real, checkText: (t: string) => (t.startsWith('boom') ? (() => { throw new RangeError('kaput'); })() : real.checkText(t)) };
    const r = runAudit({ root: dir, engine, looksLikePayload });
    expect(r.findings.map((f) => `${f.file} ${f.rule}`)).toEqual(['b.txt audit/engine-error', 'c.txt link/not-whitelisted']);
    expect(r.findings[0]!.message).toContain('kaput');
  });

  it('refuses a file over the size limit with a finding, and non-UTF-8 with a finding', () => {
    const dir = makeRepo({ 'big.txt': 'x'.repeat(2000), 'ok.txt': 'fine' });
    writeFileSync(join(dir, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const r = audit(dir, { maxFileBytes: 1000 });
    expect(r.findings.map((f) => `${f.file} ${f.rule} ${f.line}`)).toEqual(['big.txt audit/file-too-large 1', 'latin1.txt audit/unreadable 1']);
    expect(r.findings[1]!.message).toMatch(/not valid UTF-8/);
  });
});
