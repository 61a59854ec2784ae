import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseMessage } from '../../src/payload/parse.js';
import { findDuplicateKeys, parseJsonExact } from '../../src/payload/json.js';
import { createGate } from '../../src/gate.js';

const gate = createGate({ cwd: '/tmp' });
const dups = (m: unknown) => parseMessage(m).findings.filter((f) => f.rule === 'payload/duplicate-key');
const rulesAt = (m: unknown) => gate.check(m).findings.map((f) => `${f.rule}@${f.path}`);

describe('duplicate keys in JSON text', () => {
  const evil = '{"type":"text","data":{"text":"详情见 https://evil.cn/x","text":"ok"},"receiver_id":"1"}';

  test('a duplicate is an error naming the key, its path and both positions', () => {
    const [f, ...rest] = dups(evil);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ rule: 'payload/duplicate-key', severity: 'error', path: 'data.text' });
    const first = evil.indexOf('"text":');
    const second = evil.indexOf('"text":', first + 1);
    expect(f!.message.en).toContain('"text"');
    expect(f!.message.en).toContain(`offset ${first} (line 1, column ${first + 1})`);
    expect(f!.message.en).toContain(`offset ${second} (line 1, column ${second + 1})`);
    expect(f!.message.zh).toContain('重复');
    expect(f!.evidence?.detail).toContain(`${first}`);
  });

  test('the shadowed first value is judged too: its link is reported and the verdict blocked', () => {
    const v = gate.check(evil);
    expect(v.allowed).toBe(false);
    const link = v.findings.find((f) => f.rule === 'link/not-whitelisted');
    expect(link).toMatchObject({ path: 'data.text', evidence: { host: 'evil.cn' } });
    expect(link!.message.en).toMatch(/duplicate key/);
    // The last value alone is fine: the link finding comes from the hidden one.
    expect(gate.check('{"type":"text","data":{"text":"ok"},"receiver_id":"1"}').allowed).toBe(true);
  });

  test('the hidden value may come last or first: every value is judged', () => {
    const v = gate.check('{"type":"text","data":{"text":"ok","text":"加我微信 abc123"},"receiver_id":"1"}');
    expect(v.findings.map((f) => f.rule)).toContain('competitor/promotion');
  });

  test('at any depth: an article field, a whole data object, the type', () => {
    const article = (url: string) => `{"display_name":"a","summary":"b","image":"https://wx1.sinaimg.cn/a.jpg","url":${JSON.stringify(url)}}`;
    const deep = `{"type":"articles","data":{"articles":[${article('https://weibo.com/a')},{"display_name":"a","summary":"b","image":"https://wx1.sinaimg.cn/a.jpg","url":"https://evil.cn/p","url":"https://weibo.com/b"}]},"receiver_id":"1"}`;
    expect(dups(deep).map((f) => f.path)).toEqual(['data.articles[1].url']);
    expect(rulesAt(deep)).toContain('link/not-whitelisted@data.articles[1].url');

    const twoData = '{"type":"text","data":{"text":"见 https://evil.cn"},"data":{"text":"ok"},"receiver_id":"1"}';
    expect(dups(twoData).map((f) => f.path)).toEqual(['data']);
    expect(rulesAt(twoData)).toContain('link/not-whitelisted@data.text');

    // A server taking the first type sends the articles.
    const twoTypes = `{"type":"articles","data":{"text":"ok","articles":[${article('https://evil.cn/p')}]},"type":"text","receiver_id":"1"}`;
    expect(dups(twoTypes).map((f) => f.path)).toEqual(['type']);
    expect(rulesAt(twoTypes)).toContain('link/not-whitelisted@data.articles[0].url');
  });

  test('keys equal after unescaping are the same key', () => {
    expect(dups('{"type":"text","data":{"text":"a","t\\u0065xt":"b"},"receiver_id":"1"}').map((f) => f.path)).toEqual(['data.text']);
  });

  test('line and column in multi-line text', () => {
    const t = '{\n  "type": "text",\n  "data": {"text": "a"},\n  "type": "text",\n  "receiver_id": "1"\n}';
    const [f] = dups(t);
    expect(f!.message.en).toContain('(line 2, column 3)');
    expect(f!.message.en).toContain('(line 4, column 3)');
  });

  test('the same key in different objects, or inside a string, is no duplicate', () => {
    const ok = JSON.stringify({ type: 'articles', data: { articles: [1, 2, 3].map((i) => ({ display_name: `"url":${i}`, summary: 'b', image: 'https://wx1.sinaimg.cn/a.jpg', url: 'https://weibo.com/a' })) }, receiver_id: '1' });
    expect(dups(ok)).toEqual([]);
    expect(dups('{"type":"text","data":{"text":"{\\"text\\":1,\\"text\\":2}"},"receiver_id":"1"}')).toEqual([]);
  });

  test('three values of one key: each later one is reported, every value judged', () => {
    const t = '{"type":"text","data":{"text":"https://a-evil.cn","text":"https://b-evil.cn","text":"ok"},"receiver_id":"1"}';
    expect(dups(t)).toHaveLength(2);
    const hosts = gate.check(t).findings.filter((f) => f.rule === 'link/not-whitelisted').map((f) => f.evidence?.host);
    expect(hosts.sort()).toEqual(['a-evil.cn', 'b-evil.cn']);
  });

  test('deep nesting with duplicates stays a plain finding (no quadratic path building)', () => {
    const depth = 20_000;
    const t = `{"type":"text","data":{"text":"ok","x":${'['.repeat(depth)}{"k":1,"k":2}${']'.repeat(depth)}},"receiver_id":"1"}`;
    const [f] = dups(t);
    expect(f!.path.length).toBeLessThan(400);
    expect(f!.message.en).toContain('"k"');
  });
});

describe('__proto__ in JSON text', () => {
  test('is a plain field: no prototype is set, and it is reported as unknown', () => {
    const p = parseMessage('{"type":"text","data":{"text":"hi","__proto__":{"polluted":1}},"receiver_id":"1"}');
    const data = p.data as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.hasOwn(data, '__proto__')).toBe(true);
    expect((data as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(p.findings.map((f) => `${f.rule}@${f.path}`)).toEqual(['payload/unknown-field@data.__proto__']);
  });
  test('a duplicated __proto__ is reported like any key', () => {
    expect(dups('{"type":"text","data":{"text":"hi"},"__proto__":1,"__proto__":2,"receiver_id":"1"}').map((f) => f.path)).toEqual(['__proto__']);
  });
  test('int64 marking keeps __proto__ a plain field too', () => {
    const r = parseJsonExact('{"__proto__":{"a":1},"receiver_id":9223372036854775807}');
    expect(r.ok && Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(r.ok && Object.hasOwn(r.value as object, '__proto__')).toBe(true);
  });
});

describe('duplicate keys in URL-encoded data', () => {
  test('are reported with offsets into the decoded data, and every value judged', () => {
    const json = '{"text":"https://evil.cn/x","text":"ok"}';
    const m = { type: 'text', data: encodeURIComponent(json), receiver_id: '1' };
    const [f] = dups(m);
    expect(f).toMatchObject({ path: 'data.text', severity: 'error' });
    expect(f!.message.en).toContain(`offset ${json.indexOf('"text"', 2)}`);
    expect(f!.message.en).toMatch(/decoded data/);
    expect(rulesAt(m)).toContain('link/not-whitelisted@data.text');
  });
  test('plain JSON text in data too', () => {
    expect(dups({ type: 'text', data: '{"text":"a","text":"b"}', receiver_id: '1' }).map((f) => f.path)).toEqual(['data.text']);
  });
});

describe('duplicate keys in a form body', () => {
  const data = (text: string) => encodeURIComponent(JSON.stringify({ text }));
  test('data twice: reported with both offsets; the first data is judged', () => {
    const body = `type=text&data=${data('详情见 https://evil.cn/x')}&receiver_id=1&data=${data('ok')}`;
    const [f, ...rest] = dups(body);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ path: 'data', severity: 'error' });
    expect(f!.message.en).toContain(`offset ${body.indexOf('data=')}`);
    expect(f!.message.en).toContain(`offset ${body.lastIndexOf('&data=') + 1}`);
    expect(gate.check(body).allowed).toBe(false);
    expect(rulesAt(body)).toContain('link/not-whitelisted@data.text');
  });
  test('type or receiver_id twice', () => {
    expect(dups(`type=text&data=${data('ok')}&receiver_id=1&type=articles`).map((f) => f.path)).toEqual(['type']);
    expect(dups(`receiver_id=1&type=text&data=${data('ok')}&receiver_id=2`).map((f) => f.path)).toEqual(['receiver_id']);
    // Keys are compared decoded, as a server reads them.
    expect(dups(`type=text&data=${data('ok')}&receiver_id=1&%74ype=text`).map((f) => f.path)).toEqual(['type']);
  });
  test('a clean body has none', () => {
    expect(dups(`type=text&data=${data('ok')}&receiver_id=1`)).toEqual([]);
  });
});

describe('findDuplicateKeys, properties', () => {
  // Keys include escapes, quotes, backslashes, __proto__ and non-BMP characters.
  const key = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'a"b', 'a\\b', '\\', '"', '😀', 'text'));
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), tie('object'), fc.array(tie('value'), { maxLength: 3 })),
    object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  }));
  test('text JSON.stringify writes has no duplicate, at any depth', () => {
    fc.assert(
      fc.property(json.value, (v) => {
        expect(findDuplicateKeys(JSON.stringify(v, null, 1))).toEqual([]);
      }),
    );
  });
  test('a key written again at the end of any object is found, with its path and the hidden value', () => {
    fc.assert(
      fc.property(json.object, key, fc.jsonValue({ maxDepth: 1 }), (obj, k, again) => {
        const first = { [k]: 'hidden', ...obj };
        Object.defineProperty(first, k, { value: 'hidden', enumerable: true, configurable: true, writable: true });
        const text = `${JSON.stringify(first).slice(0, -1)},${JSON.stringify(k)}:${JSON.stringify(again)}}`;
        const found = findDuplicateKeys(text);
        expect(found).toHaveLength(1);
        expect(found[0]!.key).toBe(k);
        expect(found[0]!.path).toBe(k);
        expect(JSON.parse(text.slice(found[0]!.value.start, found[0]!.value.end))).toBe('hidden');
        expect(text.slice(found[0]!.second.offset, found[0]!.second.offset + JSON.stringify(k).length)).toBe(JSON.stringify(k));
      }),
    );
  });
  test('nested after any values (empty objects and arrays included), the path names the place', () => {
    fc.assert(
      fc.property(fc.array(json.value, { maxLength: 3 }), json.object, key, (before, obj, k) => {
        const inner = `${JSON.stringify({ ...obj, [k]: 1 }).slice(0, -1)},${JSON.stringify(k)}:2}`;
        const text = `{"x":{"y":[${[...before.map((b) => JSON.stringify(b)), inner].join(',')}]},"z":{}}`;
        const found = findDuplicateKeys(text);
        expect(found.map((d) => d.path)).toEqual([`x.y[${before.length}].${k}`]);
        expect(JSON.parse(text.slice(found[0]!.value.start, found[0]!.value.end))).toBe(1);
      }),
    );
  });
});
