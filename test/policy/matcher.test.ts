import { afterEach, describe, expect, it, vi } from 'vitest';
import { classifyLink, HostMatcher, hostSuffixes, loadPolicy, pathHasPrefix, type PolicyEntry } from '../../src/policy/index.js';
import { link, project, TODAY } from './helpers.js';

const entry = (domain: string, kind: 'allow' | 'deny' = 'allow', extra: Partial<PolicyEntry> = {}): PolicyEntry => ({
  domain,
  kind,
  category: kind === 'allow' ? 'companies' : 'competitors',
  file: 'test.yaml',
  line: 1,
  suffix: false,
  ...extra,
});

describe('hostSuffixes', () => {
  it('yields label suffixes, most specific first', () => {
    expect([...hostSuffixes('a.b.example.com')]).toEqual(['a.b.example.com', 'b.example.com', 'example.com', 'com']);
    expect([...hostSuffixes('localhost')]).toEqual(['localhost']);
  });
});

describe('pathHasPrefix', () => {
  it.each([
    ['/news', '/news', true],
    ['/news/1', '/news', true],
    ['/news?x=1', '/news', true],
    ['/newsletter', '/news', false],
    ['/help/a', '/help/', true],
    ['/help', '/help/', false],
    ['/', '/', true],
  ])('%s under %s: %s', (path, prefix, expected) => {
    expect(pathHasPrefix(path, prefix)).toBe(expected);
  });
});

describe('HostMatcher', () => {
  it('ranks within a host: longer path, then channel-limited, then deny', () => {
    const m = new HostMatcher([
      entry('x.com', 'allow'),
      entry('x.com', 'deny'),
      entry('x.com', 'allow', { paths: ['/a'], line: 2 }),
      entry('x.com', 'deny', { paths: ['/a/b'], line: 3 }),
      entry('x.com', 'allow', { channels: ['ad'], line: 4 }),
    ]);
    expect(m.match('x.com', '/', 'reply')?.kind).toBe('deny');
    expect(m.match('x.com', '/', 'ad')?.line).toBe(4);
    expect(m.match('x.com', '/a/c')?.line).toBe(2);
    expect(m.match('x.com', '/a/b/c')?.line).toBe(3);
    expect(m.entriesFor('x.com')).toHaveLength(5);
  });
});

/** Many generated entries: half allow, half deny, spread over 1,000 parent domains. */
function generated(n: number): PolicyEntry[] {
  return Array.from({ length: n }, (_, i) => entry(`site${i}.zone${i % 1000}.example`, i % 2 === 0 ? 'allow' : 'deny', { line: i + 1 }));
}

describe('the matcher is a hash walk over label suffixes', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers right with 100,000 entries', () => {
    const m = new HostMatcher(generated(100_000));
    expect(m.size).toBe(100_000);
    for (const i of [0, 1, 2, 777, 4_242, 50_001, 99_998, 99_999]) {
      const host = `site${i}.zone${i % 1000}.example`;
      expect(m.match(host)?.line).toBe(i + 1);
      expect(m.match(`deep.sub.${host}`)?.line).toBe(i + 1);
      expect(m.match(host)?.kind).toBe(i % 2 === 0 ? 'allow' : 'deny');
      expect(m.match(`x${host}`)).toBeUndefined();
      expect(m.match(`site${i}.zone${(i + 1) % 1000}.example`)).toBeUndefined();
    }
  });

  it('does the same number of map lookups for 10 entries as for 100,000: one per label', () => {
    const small = new HostMatcher(generated(10));
    const large = new HostMatcher(generated(100_000));
    const get = vi.spyOn(Map.prototype, 'get');
    const host = 'a.b.site3.zone3.example';
    small.match(host);
    const smallCalls = get.mock.calls.length;
    get.mockClear();
    large.match(host);
    expect(get.mock.calls.length).toBe(smallCalls);
    expect(smallCalls).toBe(3); // a.b.site3…, b.site3…, site3… (hit)
    get.mockClear();
    large.match('nothing.here.example.org');
    expect(get.mock.calls.length).toBe(4);
  });

  it('loadPolicy compiles 100,000 config entries and classifies through them', () => {
    const whitelist = Array.from({ length: 100_000 }, (_, i) => ({ domain: `shop${i}.brand${i % 997}.com`, source: 'generated', added: '2026-01-01' }));
    const cwd = project({ 'weibo-guard.config.json': JSON.stringify({ whitelist }) });
    const policy = loadPolicy({ cwd, now: TODAY });
    expect(policy.whitelist.size).toBeGreaterThan(100_000);
    expect(classifyLink(link('https://www.shop99999.brand299.com/p'), policy)).toMatchObject({ allowed: true, entry: { domain: 'shop99999.brand299.com', file: 'weibo-guard.config.json' } });
    expect(classifyLink(link('https://shop99999.brand300.com/'), policy).rule).toBe('link/not-whitelisted');
    expect(classifyLink(link('https://weixin.qq.com/'), policy).rule).toBe('link/competitor');
    expect(classifyLink(link('https://www.gov.cn/'), policy).allowed).toBe(true);
  });
});
