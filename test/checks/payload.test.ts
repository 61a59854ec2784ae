import { describe, expect, test } from 'vitest';
import { checkImage, checkPayloadLimits, checkText, compareDecimal, imageExtension } from '../../src/checks/payload.js';
import { loadPolicy } from '../../src/policy/index.js';
import type { Article, Content } from '../../src/payload/schema.js';

const limits = loadPolicy({ cwd: '/tmp' }).limits;
const rules = (c: Content) => checkPayloadLimits(c, limits).map((f) => `${f.rule}:${f.severity}@${f.path}`);
const text = (t: string) => rules({ type: 'text', data: { text: t } });
const article = (i: number): Article => ({ display_name: `t${i}`, summary: 's', image: `https://wx.sinaimg.cn/a${i}.jpg`, url: `https://weibo.com/${i}` });
const articles = (n: number) => rules({ type: 'articles', data: { articles: Array.from({ length: n }, (_, i) => article(i)) } });
const position = (longitude: string, latitude: string) => rules({ type: 'position', data: { longitude, latitude } });

describe('text length: under 300 units (full-width 1, half-width ½)', () => {
  test('299 units pass, 300 do not', () => {
    expect(text('中'.repeat(299))).toEqual([]);
    expect(text('中'.repeat(300))).toEqual(['payload/text-too-long:error@data.text']);
  });
  test('half-width counts ½: 598 ASCII = 299 pass, 600 = 300 fail, 599 = 299.5 pass', () => {
    expect(text('a'.repeat(598))).toEqual([]);
    expect(text('a'.repeat(599))).toEqual([]);
    expect(text('a'.repeat(600))).toEqual(['payload/text-too-long:error@data.text']);
  });
  test('emoji count 1 each', () => {
    expect(text('👨‍👩‍👧'.repeat(299))).toEqual([]);
    expect(text('👨‍👩‍👧'.repeat(300))).toEqual(['payload/text-too-long:error@data.text']);
  });
  test('the message and span say how long and why', () => {
    const [f] = checkText('中'.repeat(300), limits.text, 'data.text');
    expect(f!.message.en).toBe('Text is 300 units long; it must be under 300 (a full-width character counts 1, a half-width one ½)');
    expect(f!.span).toEqual({ start: 0, end: 300 });
  });
  test('a non-strict limit allows exactly max; chars mode counts every grapheme 1', () => {
    expect(checkText('中'.repeat(300), { ...limits.text, strict: false }, 'p')).toEqual([]);
    expect(checkText('中'.repeat(301), { ...limits.text, strict: false }, 'p')).toHaveLength(1);
    expect(checkText('a'.repeat(300), { ...limits.text, unit: 'chars' }, 'p')).toHaveLength(1);
    expect(checkText('a'.repeat(299), { ...limits.text, unit: 'chars' }, 'p')).toEqual([]);
  });
  test('empty and blank text are refused', () => {
    expect(text('')).toEqual(['payload/text-empty:error@data.text']);
    expect(text(' \n\t')).toEqual(['payload/text-empty:error@data.text']);
  });
  test('1 MB of text is counted, linearly', () => {
    expect(text('中a'.repeat(500_000))).toEqual(['payload/text-too-long:error@data.text']);
  });
});

describe('articles: 1 to 8, 1 or 3 recommended', () => {
  test('counts', () => {
    expect(articles(0)).toEqual(['payload/articles-count:error@data.articles']);
    expect(articles(1)).toEqual([]);
    expect(articles(2)).toEqual(['payload/articles-recommended:warning@data.articles']);
    expect(articles(3)).toEqual([]);
    expect(articles(8)).toEqual(['payload/articles-recommended:warning@data.articles']);
    expect(articles(9)).toEqual(['payload/articles-count:error@data.articles']);
  });
  test('images must be JPG or PNG by path', () => {
    const f = (image: string) => {
      const make = checkImage(image, limits.image.formats);
      return make ? [make('data.articles[0].image')].map((x) => `${x.rule}:${x.severity}`) : [];
    };
    for (const ok of ['a.jpg', 'https://x.cn/a.JPEG', 'https://x.cn/a.png?w=64#x', '/local/path/a.png']) expect(f(ok), ok).toEqual([]);
    expect(f('https://x.cn/a.gif')).toEqual(['payload/image-format:error']);
    expect(f('https://x.cn/a.webp?x=a.png')).toEqual(['payload/image-format:error']);
    expect(f('https://x.cn/image')).toEqual(['payload/image-format:warning']);
    expect(f('https://x.cn.d/image')).toEqual(['payload/image-format:warning']);
    const bad = checkImage('https://x.cn/a.gif?v=1', limits.image.formats)!('p');
    expect(bad.span).toEqual({ start: 15, end: 18 });
    expect(imageExtension('https://x.cn/a.b/c')).toBeNull();
  });
});

describe('position: longitude in [-180, 180], latitude in [-90, 90]', () => {
  test('boundaries are inside, anything past them is out', () => {
    expect(position('180', '90')).toEqual([]);
    expect(position('-180', '-90')).toEqual([]);
    expect(position('180.000', '-90.0')).toEqual([]);
    expect(position('180.0000001', '0')).toEqual(['payload/position-range:error@data.longitude']);
    expect(position('0', '-90.0000001')).toEqual(['payload/position-range:error@data.latitude']);
    expect(position('344.3344', '232.343434')).toEqual(['payload/position-range:error@data.longitude', 'payload/position-range:error@data.latitude']);
  });
  test('exact decimal comparison where floats would round', () => {
    expect(position('180.00000000000000001', '0')).toEqual(['payload/position-range:error@data.longitude']);
    expect(compareDecimal('179.99999999999999999', 180)).toBe(-1);
    expect(compareDecimal('+90', 90)).toBe(0);
    expect(compareDecimal('-0.5', 0)).toBe(-1);
  });
});
