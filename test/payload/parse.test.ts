import { describe, expect, test } from 'vitest';
import { parseMessage } from '../../src/payload/parse.js';
import { parseJsonExact } from '../../src/payload/json.js';
import { decodeDataString } from '../../src/payload/data.js';

const rules = (m: unknown) => parseMessage(m).findings.map((f) => `${f.rule}@${f.path}`);
const text = (extra: Record<string, unknown> = {}) => ({ type: 'text', data: { text: '你好' }, receiver_id: '1722052204', ...extra });

describe('data forms', () => {
  test('an object', () => {
    expect(parseMessage(text()).payload?.data).toEqual({ text: '你好' });
  });
  test('the URL-encoded JSON string from the API document', () => {
    const p = parseMessage(text({ data: '%7B%22text%22%3A%22%E7%BA%AF%E6%96%87%E6%9C%AC%E5%9B%9E%E5%A4%8D%22%7D' }));
    expect(p.findings).toEqual([]);
    expect(p.payload?.data).toEqual({ text: '纯文本回复' });
  });
  test('a form-encoded string, where + is a space', () => {
    expect(parseMessage(text({ data: '%7B%22text%22%3A%22a+b%22%7D' })).payload?.data).toEqual({ text: 'a b' });
  });
  test('plain JSON text is not URL-decoded (a literal %41 stays)', () => {
    expect(parseMessage(text({ data: '{"text":"100%41"}' })).payload?.data).toEqual({ text: '100%41' });
  });
  test('a whole form body, as the API takes it', () => {
    const body = new URLSearchParams({ receiver_id: '12345678901234567', type: 'text', data: JSON.stringify({ text: 'hi' }) }).toString();
    const p = parseMessage(body);
    expect(p.findings).toEqual([]);
    expect(p.payload).toMatchObject({ receiver_id: '12345678901234567', data: { text: 'hi' }, save_sender_box: 1 });
  });
  test('bad encodings are one finding naming data', () => {
    expect(rules(text({ data: '%E7%ZZ' }))).toEqual(['payload/data-encoding@data']);
    expect(rules(text({ data: '%7B%22text' }))).toEqual(['payload/data-encoding@data']);
    expect(rules(text({ data: 'hello' }))).toEqual(['payload/data-encoding@data']);
    expect(decodeDataString('%5B1%5D')).toMatchObject({ ok: false });
  });
  test('data of the wrong kind', () => {
    expect(rules(text({ data: 42 }))).toEqual(['payload/invalid-field@data']);
    expect(rules(text({ data: undefined }))).toEqual(['payload/missing-field@data']);
  });
});

describe('envelope', () => {
  test('type must be one of three', () => {
    expect(rules({ ...text(), type: 'image' })).toEqual(['payload/type@type']);
    expect(rules({ data: {}, receiver_id: '1' })).toEqual(['payload/type@type']);
  });
  test('not an object', () => {
    expect(rules(null)).toEqual(['payload/not-object@']);
    expect(rules([1])).toEqual(['payload/not-object@']);
    expect(rules('not json at all')).toEqual(['payload/invalid-json@']);
    expect(rules('{"type":')).toEqual(['payload/invalid-json@']);
  });
  test('save_sender_box is 0 or 1, default 1', () => {
    expect(parseMessage(text()).payload?.save_sender_box).toBe(1);
    expect(parseMessage(text({ save_sender_box: 0 })).payload?.save_sender_box).toBe(0);
    expect(parseMessage(text({ save_sender_box: '0' })).payload?.save_sender_box).toBe(0);
    expect(rules(text({ save_sender_box: 2 }))).toEqual(['payload/save-sender-box@save_sender_box']);
    expect(rules(text({ save_sender_box: true }))).toEqual(['payload/save-sender-box@save_sender_box']);
  });
  test('unknown fields are reported, not dropped silently', () => {
    expect(rules(text({ recevier: 1 }))).toEqual(['payload/unknown-field@recevier']);
    expect(rules({ type: 'text', data: { text: 'x', txt: 'y' }, receiver_id: '1' })).toEqual(['payload/unknown-field@data.txt']);
  });
  test('field paths inside articles', () => {
    const p = { type: 'articles', data: { articles: [{ display_name: 'a', summary: 'b', image: 'c.jpg' }, { display_name: 1, summary: 'b', image: 'c.jpg', url: 'u' }] }, receiver_id: '1' };
    expect(rules(p)).toEqual(['payload/missing-field@data.articles[0].url', 'payload/invalid-field@data.articles[1].display_name']);
  });
  test('position coordinates are decimal strings', () => {
    const pos = (longitude: unknown, latitude: unknown) => ({ type: 'position', data: { longitude, latitude }, receiver_id: '1' });
    expect(rules(pos('116.397', '-39.9'))).toEqual([]);
    expect(rules(pos('+1', '0'))).toEqual([]);
    expect(rules(pos('1e3', '1.'))).toEqual(['payload/position-format@data.longitude', 'payload/position-format@data.latitude']);
    expect(rules(pos(116.4, '1'))).toEqual(['payload/position-format@data.longitude']);
  });
});

describe('receiver_id is an int64 kept exactly', () => {
  const id = (receiver_id: unknown) => parseMessage(text({ receiver_id }));
  test('digits string, bigint and safe number are kept as the exact decimal string', () => {
    expect(id('9223372036854775807').payload?.receiver_id).toBe('9223372036854775807');
    expect(id(9223372036854775807n).payload?.receiver_id).toBe('9223372036854775807');
    expect(id(Number.MAX_SAFE_INTEGER).payload?.receiver_id).toBe('9007199254740991');
    expect(id(0).payload?.receiver_id).toBe('0');
  });
  test('a JS number beyond 2^53 has lost digits: refused, not rounded', () => {
    expect(id(2 ** 53).findings.map((f) => f.rule)).toEqual(['payload/receiver-id-unsafe']);
  });
  test('out of int64 range, signs, fractions, leading zeros and text are refused', () => {
    for (const bad of ['9223372036854775808', '-1', '1.5', '0123', 'abc', '', -1, 1.5, 2n ** 63n, -1n, true]) {
      expect(id(bad).findings.map((f) => f.rule), String(bad)).toEqual(['payload/receiver-id']);
    }
  });
  test('missing receiver_id has its own rule', () => {
    expect(rules({ type: 'text', data: { text: 'x' } })).toEqual(['payload/receiver-id-missing@receiver_id']);
  });
  test('raw JSON text keeps digits beyond 2^53', () => {
    const p = parseMessage('{"type":"text","data":{"text":"x"},"receiver_id":1234567890123456789}');
    expect(p.findings).toEqual([]);
    expect(p.payload?.receiver_id).toBe('1234567890123456789');
  });
  test('a big integer elsewhere in raw JSON is a bigint the schema refuses, never a rounded number', () => {
    expect(rules('{"type":"text","data":{"text":12345678901234567890},"receiver_id":"1"}')).toEqual(['payload/invalid-field@data.text']);
  });
});

describe('parseJsonExact', () => {
  test('digits inside strings and small or fractional numbers are untouched', () => {
    expect(parseJsonExact('{"a":"12345678901234567890","b":1.2345678901234567890,"c":-12345678901234567890,"d":1234567890123456789e2}')).toEqual({
      ok: true,
      value: { a: '12345678901234567890', b: 1.2345678901234567, c: -12345678901234567890n, d: 1.234567890123456789e20 },
      duplicates: [],
    });
  });
  test('escaped quotes do not confuse the string scan', () => {
    expect(parseJsonExact('{"a":"x\\"12345678901234567890","b":12345678901234567890}')).toEqual({ ok: true, value: { a: 'x"12345678901234567890', b: 12345678901234567890n }, duplicates: [] });
  });
  test('invalid JSON stays invalid (a leading zero is not quietly accepted)', () => {
    expect(parseJsonExact('{"a":01234567890123456789}').ok).toBe(false);
    expect(parseJsonExact('{"a":').ok).toBe(false);
  });
  test('linear on 1 MB of digits', () => {
    const big = `{"a":[${Array.from({ length: 50_000 }, () => '12345678901234567890').join(',')}]}`;
    const r = parseJsonExact(big);
    expect(r.ok && (r.value as { a: bigint[] }).a.length).toBe(50_000);
  });
});
