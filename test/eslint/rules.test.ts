import { RuleTester } from 'eslint';
import { afterAll, describe, it } from 'vitest';
import plugin from '../../src/eslint/index.js';
import { clearGates } from '../../src/eslint/gates.js';
import { languageConfig, type Lang } from './harness.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;
afterAll(clearGates);

const testers = Object.fromEntries(
  (Object.keys(languageConfig) as Lang[]).map((lang) => {
    const { config } = languageConfig[lang];
    return [lang, new RuleTester({ ...config, plugins: { ...config.plugins, 'weibo-guard': plugin } })];
  }),
) as Record<Lang, RuleTester>;

/** Where `needle` (as written in `code`, escapes and all) sits: ESLint's 1-based line/column of its first and one-past-last character. */
function at(code: string, needle: string, nth = 0): { line: number; column: number; endLine: number; endColumn: number } {
  let start = -1;
  for (let k = 0; k <= nth; k++) start = code.indexOf(needle, start + 1);
  if (start < 0) throw new Error(`${needle} not in test code`);
  const pos = (i: number) => {
    const before = code.slice(0, i);
    const line = before.split('\n').length;
    return { line, column: i - before.lastIndexOf('\n') };
  };
  const s = pos(start);
  const e = pos(start + needle.length);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

const file = (lang: Lang) => languageConfig[lang].file;

describe('weibo-guard/links', () => {
  const rule = plugin.rules.links;

  describe('JS', () => {
    const escaped = String.raw`const a = 'see \u0068ttps://evil.cn/x';`;
    const template = 'const t = `Hi ${name},\n  visit https://evil.cn/a\\u0062c\n`;';
    const jsx = 'const el = <a href="evil.cn">go to people.cn</a>;';
    testers.js.run('links', rule, {
      valid: [
        "const a = 'read http://www.people.com.cn/today';",
        "import x from 'https://evil.cn/x.js';",
        "const o = { 'https://evil.cn': 1 };",
        "const t = `${host}`;",
        { code: "const s = 'https://t.cn/abc';", options: [{ advisories: false }] },
      ],
      invalid: [
        { code: "const a = 'see https://evil.cn/x now';", errors: [{ messageId: 'link/not-whitelisted', ...at("const a = 'see https://evil.cn/x now';", 'https://evil.cn/x') }] },
        { code: escaped, errors: [{ messageId: 'link/not-whitelisted', ...at(escaped, String.raw`\u0068ttps://evil.cn/x`) }] },
        { code: template, errors: [{ messageId: 'link/not-whitelisted', ...at(template, 'https://evil.cn/a\\u0062c') }] },
        { code: "const s = 'https://t.cn/abc';", errors: [{ messageId: 'link/shortener', ...at("const s = 'https://t.cn/abc';", 'https://t.cn/abc') }] },
        { code: "const s = 'evil。cn';", errors: [{ messageId: 'link/obfuscated', ...at("const s = 'evil。cn';", 'evil。cn') }] },
        {
          // Whitelisted, but a personal account may carry no links at all.
          code: "const s = 'see http://www.people.com.cn';",
          options: [{ account: 'personal' }],
          errors: [{ messageId: 'link/personal-account', ...at("const s = 'see http://www.people.com.cn';", 'http://www.people.com.cn') }],
        },
        {
          code: jsx,
          languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
          errors: [{ messageId: 'link/not-whitelisted', ...at(jsx, 'evil.cn') }],
        },
      ],
    });
  });

  describe('TS', () => {
    const code = "const reply: { url: string } = { url: 'https://evil.cn/p' } satisfies object;\nexport type T = 'https://evil.cn';";
    testers.ts.run('links', rule, {
      valid: ["type U = 'https://evil.cn'; const x: U = null as never;"],
      invalid: [{ code, filename: file('ts'), errors: [{ messageId: 'link/not-whitelisted', ...at(code, 'https://evil.cn/p') }] }],
    });
  });

  describe('JSON', () => {
    const code = String.raw`{"https://evil.cn": "ok", "body": "go \u0068ttps://evil.cn", "url": "https://people.cn"}`;
    testers.json.run('links', rule, {
      valid: [{ code: '{"https://evil.cn": "read people.cn"}', filename: file('json') }],
      invalid: [{ code, filename: file('json'), errors: [{ messageId: 'link/not-whitelisted', ...at(code, String.raw`\u0068ttps://evil.cn`) }] }],
    });
  });

  describe('YAML', () => {
    const code = 'https://evil.cn: key\nplain: see\n  https://evil.cn/a\nquoted: "\\x65vil.cn"\nblock: |\n  line\n  https://evil.cn/b\n';
    testers.yaml.run('links', rule, {
      valid: [{ code: 'https://evil.cn: people.cn\n', filename: file('yaml') }],
      invalid: [
        {
          code,
          filename: file('yaml'),
          errors: [
            { messageId: 'link/not-whitelisted', ...at(code, 'https://evil.cn/a') },
            { messageId: 'link/not-whitelisted', ...at(code, '\\x65vil.cn') },
            { messageId: 'link/not-whitelisted', ...at(code, 'https://evil.cn/b') },
          ],
        },
      ],
    });
  });

  describe('Markdown', () => {
    const code = '> quote &amp; see\n> evil。cn\n\n[people](https://evil.cn/a "t") ![i](https://evil.cn/i.png) <https://t.cn/x>\n\n[r]: https://evil.cn/r\n';
    testers.markdown.run('links', rule, {
      valid: [{ code: '[人民网](http://www.people.com.cn)\n\n```\nnothing here\n```\n', filename: file('markdown') }],
      invalid: [
        {
          code,
          filename: file('markdown'),
          errors: [
            { messageId: 'link/obfuscated', ...at(code, 'evil。cn') },
            { messageId: 'link/not-whitelisted', ...at(code, 'https://evil.cn/a') },
            { messageId: 'link/not-whitelisted', ...at(code, 'https://evil.cn/i.png') },
            { messageId: 'link/shortener', ...at(code, 'https://t.cn/x') },
            { messageId: 'link/not-whitelisted', ...at(code, 'https://evil.cn/r') },
          ],
        },
      ],
    });
  });
});

describe('weibo-guard/competitor', () => {
  const rule = plugin.rules.competitor;
  const promo = "const a = '欢迎！加我微信 abc123 领取';";
  testers.js.run('competitor', rule, {
    valid: ["const a = '欢迎关注我们的微博';", { code: "const a = '我们也在微信上';", options: [{ advisories: false }] }],
    invalid: [
      { code: promo, errors: [{ messageId: 'competitor/promotion', ...at(promo, '加我微信') }] },
      { code: "const a = '我们也在微信上';", errors: [{ messageId: 'competitor/mention', ...at("const a = '我们也在微信上';", '微信') }] },
      // The links rule owns link findings; a competitor's domain is a link finding.
    ],
  });
  // Nothing is read across an interpolation: line 1 holds no phrase the linter can see.
  const tsCode = 'const t = `加我${"微"}信`;\nconst u = `加我微信 ${id}`;';
  testers.ts.run('competitor', rule, {
    valid: [{ code: "enum E { '加我微信' = 1 }", filename: file('ts') }],
    invalid: [
      { code: tsCode, filename: file('ts'), errors: [{ messageId: 'competitor/promotion', ...at(tsCode, '加我微信') }] },
      { code: "enum Reply { Handoff = '请加我微信 abc' }", filename: file('ts'), errors: [{ messageId: 'competitor/promotion', ...at("enum Reply { Handoff = '请加我微信 abc' }", '加我微信') }] },
    ],
  });
  const json = String.raw`{"greeting": "\u52a0\u6211\u5fae\u4fe1 abc"}`;
  testers.json.run('competitor', rule, {
    valid: [{ code: '{"微信": "你好"}', filename: file('json') }],
    invalid: [{ code: json, filename: file('json'), errors: [{ messageId: 'competitor/promotion', ...at(json, String.raw`\u52a0\u6211\u5fae\u4fe1`) }] }],
  });
  const yaml = 'greeting: >\n  你好，\n  加我微信 abc\n';
  testers.yaml.run('competitor', rule, {
    valid: [{ code: '微信: 你好\n', filename: file('yaml') }],
    invalid: [{ code: yaml, filename: file('yaml'), errors: [{ messageId: 'competitor/promotion', ...at(yaml, '加我微信') }] }],
  });
  const md = '# 欢迎\n\n> 有问题？\n> 加我**微信**\n';
  testers.markdown.run('competitor', rule, {
    valid: [{ code: '# 欢迎关注微博\n', filename: file('markdown') }],
    invalid: [{ code: '有问题？加我微信 abc\n', filename: file('markdown'), errors: [{ messageId: 'competitor/promotion', ...at('有问题？加我微信 abc\n', '加我微信') }] }, { code: md, filename: file('markdown'), errors: [{ messageId: 'competitor/mention', ...at(md, '微信') }] }],
  });
});

describe('weibo-guard/payload', () => {
  const rule = plugin.rules.payload;
  const empty = "export const r = { receiver_id: '123', type: 'text', data: { text: '' } };";
  const articles = "const r = {\n  receiver_id: '1',\n  type: 'articles',\n  data: { articles: [{ display_name: 'A', summary: 'S', image: 'https://www.people.cn/a.gif', url: 'https://www.people.cn/a' }] },\n};";
  const position = "const r = { receiver_id: '1', type: 'position', data: { longitude: '200', latitude: '39.9' } };";
  testers.js.run('payload', rule, {
    valid: [
      "const r = { receiver_id: '1', type: 'text', data: { text: '你好 https://evil.cn' } };", // link findings belong to the links rule
      "const r = { receiver_id: '1', type: 'text', data: { text: name } };", // not static: the audit resolves it
      "const r = { type: 'box', data: 1 };",
    ],
    invalid: [
      { code: empty, errors: [{ messageId: 'payload/text-empty', ...at(empty, "''") }] },
      { code: articles, errors: [{ messageId: 'payload/image-format', ...at(articles, 'gif') }] },
      { code: position, errors: [{ messageId: 'payload/position-range', ...at(position, '200') }] },
    ],
  });
  const ts = "const r = { receiver_id: '1', type: 'text', data: { text: '' } } as const satisfies object;";
  testers.ts.run('payload', rule, {
    valid: [{ code: "const r = { receiver_id: '1', type: 'text', data: { text: 'hi' } } as const;", filename: file('ts') }],
    invalid: [{ code: ts, filename: file('ts'), errors: [{ messageId: 'payload/text-empty', ...at(ts, "''") }] }],
  });
  const json = '{"receiver_id": "1", "type": "text", "data": {"text": ""}}';
  testers.json.run('payload', rule, {
    valid: [{ code: '{"receiver_id": "1", "type": "text", "data": {"text": "hi"}}', filename: file('json') }],
    invalid: [{ code: json, filename: file('json'), errors: [{ messageId: 'payload/text-empty', ...at(json, '""') }] }],
  });
  const yaml = "receiver_id: '1'\ntype: position\ndata:\n  longitude: '116.4'\n  latitude: \"91\"\n";
  testers.yaml.run('payload', rule, {
    valid: [{ code: "receiver_id: '1'\ntype: text\ndata:\n  text: hi\n", filename: file('yaml') }],
    invalid: [{ code: yaml, filename: file('yaml'), errors: [{ messageId: 'payload/position-range', ...at(yaml, '91') }] }],
  });
});

describe('options and policy', () => {
  const rule = plugin.rules.links;
  const code = "const a = 'order at https://shop.example.cn/item';";
  testers.js.run('config', rule, {
    valid: [{ code, options: [{ config: 'test/eslint/fixtures/project/weibo-guard.config.yaml' }] }],
    invalid: [
      { code, errors: [{ messageId: 'link/not-whitelisted', ...at(code, 'https://shop.example.cn/item') }] },
      {
        code,
        options: [{ config: 'test/eslint/fixtures/broken/weibo-guard.config.yaml' }],
        errors: [{ messageId: 'policy', line: 1, column: 1 }],
      },
    ],
  });
});

describe('what the project said not to report', () => {
  const rule = plugin.rules.links;
  const config = 'test/eslint/fixtures/ignores/weibo-guard.config.yaml';
  const root = 'test/eslint/fixtures/ignores';
  const code = "const a = 'see https://evil.cn';\nconst b = 'evil。cn';";
  testers.js.run('ignores', rule, {
    valid: [
      { code, filename: `${root}/vendor/x.js`, options: [{ config }] },
      {
        code: "// weibo-guard-disable-next-line link/not-whitelisted -- archived text, never sent (MKT-88)\nconst a = 'see https://evil.cn';",
        options: [{ config }],
      },
    ],
    invalid: [
      // Only that rule is ignored in legal/: the disguised link is still reported.
      { code, filename: `${root}/legal/terms.js`, options: [{ config }], errors: [{ messageId: 'link/obfuscated', ...at(code, 'evil。cn') }] },
      {
        // A directive without a reason silences nothing.
        code: "// weibo-guard-disable-next-line link/not-whitelisted\nconst a = 'see https://evil.cn';",
        options: [{ config }],
        errors: [{ messageId: 'link/not-whitelisted', line: 2, column: 16 }],
      },
      {
        // A directive silences only the rules it names, and only on the next line.
        code: "// weibo-guard-disable-next-line link/shortener -- ok\nconst a = 'see https://evil.cn';",
        options: [{ config }],
        errors: [{ messageId: 'link/not-whitelisted', line: 2, column: 16 }],
      },
    ],
  });
});

describe('payload literals are templates', () => {
  const rule = plugin.rules.payload;
  const nine = `const r = { type: 'articles', data: { articles: [${Array.from({ length: 9 }, (_, i) => `{ display_name: 'a${i}', summary: 's', image: \`\${IMG}/${i}.jpg\`, url: URL${i} }`).join(', ')}] } };`;
  testers.js.run('templates', rule, {
    valid: [
      // No receiver yet: the sender fills it in.
      "const r = { type: 'text', data: { text: 'hi' } };",
      // Unknown parts are not judged; what is known is.
      "const r = { type: 'text', data: { text: greeting }, ...extra };",
    ],
    invalid: [{ code: nine, errors: [{ messageId: 'payload/articles-count', line: 1, column: nine.indexOf('[') + 1 }] }],
  });
});
