import { describe, expect, it } from 'vitest';
import { classifyLink, expiredEntryFor, lintPolicy, loadPolicy } from '../../src/policy/index.js';
import { expiryFixture } from '../expiry-fixture.js';
import { link, project } from './helpers.js';

const NOW = new Date('2026-12-01T08:00:00Z');
const fx = expiryFixture(NOW);
const cwd = project({ 'weibo-guard.config.yaml': fx.config });
const policy = loadPolicy({ cwd, now: NOW });

describe('policy warnings are plain data', () => {
  it('each says its kind, file, line, domain and expiry date', () => {
    expect(policy.warnings.map(({ entry: _entry, ...w }) => w)).toEqual([
      { kind: 'expired', file: 'weibo-guard.config.yaml', line: fx.lines.expired, domain: 'lapsed-shop.example.com', expires: '2026-11-30', message: fx.expiredMessage },
      { kind: 'expiring', file: 'weibo-guard.config.yaml', line: fx.lines.expiring, domain: 'soon-shop.example.com', expires: '2026-12-11', message: fx.expiringMessage },
    ]);
  });

  it('the clock is the loader\'s `now`: two days earlier the lapsed entry was only expiring', () => {
    const earlier = loadPolicy({ cwd, now: new Date('2026-11-29T08:00:00Z') });
    expect(earlier.warnings.map((w) => [w.kind, w.domain])).toEqual([
      ['expiring', 'lapsed-shop.example.com'],
      ['expiring', 'soon-shop.example.com'],
    ]);
  });

  it('an expired entry no longer allows, and expiredEntryFor names it for any host and path it covered', () => {
    expect(classifyLink(link('https://lapsed-shop.example.com/p/1'), policy).rule).toBe('link/not-whitelisted');
    const hit = expiredEntryFor(policy, 'www.lapsed-shop.example.com', '/p/1');
    expect(hit).toMatchObject({ kind: 'expired', domain: 'lapsed-shop.example.com', expires: '2026-11-30', file: 'weibo-guard.config.yaml' });
    expect(hit?.entry).toMatchObject({ domain: 'lapsed-shop.example.com', kind: 'allow', line: 2 });
    expect(expiredEntryFor(policy, 'soon-shop.example.com')).toBeUndefined();
    expect(expiredEntryFor(policy, 'other.example.com')).toBeUndefined();
  });

  it('policy lint reads the same warnings (one implementation)', () => {
    const problems = lintPolicy({ cwd, now: NOW }).filter((p) => p.file === 'weibo-guard.config.yaml');
    expect(problems.map((p) => [p.kind, p.line, p.message])).toEqual([
      ['expired', fx.lines.expired, fx.expiredMessage],
      ['expiring', fx.lines.expiring, fx.expiringMessage],
    ]);
  });
});
