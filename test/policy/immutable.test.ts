import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createGate } from '../../src/gate.js';
import { loadPolicy, type Policy } from '../../src/policy/index.js';

/**
 * A config that gives the loader something of every kind to compile: whitelist entries
 * with paths and channels, a deny entry, limits. The shipped rules bring competitors
 * (names, URL and domain exceptions), shorteners and redirectors.
 */
function loadRich(): Policy {
  const cwd = mkdtempSync(join(tmpdir(), 'wg-frozen-'));
  writeFileSync(
    join(cwd, 'weibo-guard.config.yaml'),
    [
      'whitelist:',
      '  - { domain: shop.example.cn, paths: [/p, /q], channels: [ad], category: companies, note: ads only, source: test, added: 2026-11-01 }',
      'deny:',
      '  - { domain: bad.example.cn, paths: [/x], source: test }',
      'limits:',
      '  text: { max: 500 }',
      '',
    ].join('\n'),
  );
  return loadPolicy({ cwd });
}

/**
 * Every object reachable from the policy, with the path that reaches it: through own
 * data properties, array items, the keys and values of anything iterable as a map or
 * set, and what the matchers hand out (entries, shorteners, redirectors).
 */
function reachable(policy: Policy): Array<[string, object]> {
  const out: Array<[string, object]> = [];
  const seen = new Set<object>();
  const visit = (value: unknown, path: string): void => {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
    if (typeof value === 'function') return;
    seen.add(value);
    out.push([path, value]);
    if (value instanceof Map || isMapLike(value)) {
      for (const [k, v] of (value as ReadonlyMap<unknown, unknown>).entries()) {
        visit(k, `${path}.key(${String(k)})`);
        visit(v, `${path}.get(${String(k)})`);
      }
    } else if (value instanceof Set) {
      for (const v of value) visit(v, `${path}.item`);
    }
    for (const key of Reflect.ownKeys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, key)!;
      if ('value' in d) visit(d.value, `${path}.${String(key)}`);
    }
  };
  visit(policy, 'policy');
  policy.whitelist.entries().forEach((e, i) => visit(e, `policy.whitelist.entries()[${i}]`));
  for (const host of ['t.cn', 'url.cn']) visit(policy.shorteners.match(host), `policy.shorteners.match(${host})`);
  for (const host of ['weibo.cn', 'weibo.com']) visit(policy.redirectors.match(host, '/sinaurl'), `policy.redirectors.match(${host})`);
  return out;
}

const isMapLike = (v: object): boolean => typeof (v as { get?: unknown }).get === 'function' && typeof (v as { entries?: unknown }).entries === 'function' && typeof (v as { has?: unknown }).has === 'function';

const wxaurl = { type: 'text', data: { text: '小程序 https://wxaurl.cn/abc123' }, receiver_id: '1' };

describe('the loaded policy is deeply immutable', () => {
  const policy = loadRich();

  test('the walk reaches the nested data it is meant to check', () => {
    const paths = reachable(policy).map(([p]) => p);
    expect(paths.length).toBeGreaterThan(200);
    expect(paths).toContain('policy.competitors.services.4.channelExceptions.0.channels');
    expect(paths.some((p) => /^policy\.competitors\.urlExceptions\.get\(weixin\)\.0\.channels$/.test(p))).toBe(true);
    expect(paths.some((p) => /^policy\.whitelist\.entries\(\)\[\d+\]$/.test(p))).toBe(true);
    expect(paths).toContain('policy.redirectors.match(weibo.cn).paths');
    expect(paths).toContain('policy.config.whitelist.0.paths');
  });

  test('every object and array reachable from the policy is frozen', () => {
    expect(reachable(policy).filter(([, v]) => !Object.isFrozen(v)).map(([p]) => p)).toEqual([]);
  });

  test('no Map or Set reachable from the policy can be changed', () => {
    const policy = loadRich();
    const changeable: string[] = [];
    for (const [path, v] of reachable(policy)) {
      if (v instanceof Map || v instanceof Set) changeable.push(`${path} is a ${v.constructor.name}`);
      for (const method of ['set', 'add', 'delete', 'clear'] as const) {
        const fn = (v as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const before = [...(v as Iterable<unknown>)].length;
        let threw = false;
        try {
          (fn as (...a: unknown[]) => unknown).call(v, 'weibo-guard-test', 'x');
        } catch {
          threw = true;
        }
        if (!threw || [...(v as Iterable<unknown>)].length !== before) changeable.push(`${path}.${method}() did not throw`);
      }
    }
    expect(changeable).toEqual([]);
    // Map's own mutators, called on the policy's maps, refuse them too.
    expect(() => Map.prototype.set.call(policy.competitors.byId as Map<string, never>, 'x', undefined as never)).toThrow(TypeError);
    expect(() => Map.prototype.clear.call(policy.competitors.schemes as Map<string, never>)).toThrow(TypeError);
  });

  test('pushing a channel into a competitor exception cannot open that gate to the competitor', () => {
    const policy = loadRich();
    const gate = createGate({ policy });
    expect(gate.check(wxaurl).allowed).toBe(false);
    const wechat = policy.competitors.services.find((s) => s.domains.includes('wxaurl.cn'))!;
    const exception = wechat.channelExceptions.find((e) => e.domain === 'wxaurl.cn')!;
    expect(() => (exception.channels as string[]).push('reply')).toThrow(TypeError);
    const entry = policy.whitelist.entriesFor('wxaurl.cn').find((e) => e.kind === 'allow')!;
    expect(() => (entry.channels as string[]).push('reply')).toThrow(TypeError);
    expect(() => (policy.competitors.urlExceptions.get('weixin') as unknown[]).length = 0).toThrow(TypeError);
    expect(gate.check(wxaurl).allowed).toBe(false);
    expect(gate.check(wxaurl, { channel: 'ad' }).allowed).toBe(true);
  });

  test('the policy still reads as before: lookups through the read-only maps', () => {
    const wechat = policy.competitors.services.find((s) => s.domains.includes('wxaurl.cn'))!;
    expect(policy.competitors.byId.get(wechat.id)).toBe(wechat);
    expect(policy.competitors.byId.size).toBe(policy.competitors.services.length);
    expect([...policy.competitors.byId.keys()]).toEqual(policy.competitors.services.map((s) => s.id));
    expect(policy.competitors.schemes.get('weixin')).toBe(policy.competitors.services.find((s) => s.schemes.includes('weixin')));
    expect(policy.competitors.urlExceptions.get('weixin')?.[0]?.prefix).toBe('weixin://dl/business/');
  });
});
