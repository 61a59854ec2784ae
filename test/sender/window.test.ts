import { describe, expect, it } from 'vitest';
import { checkWindow } from '../../src/checks/window.js';
import { windowOf } from '../../src/sender/ledger.js';
import { FindingSchema } from '../../src/findings.js';

const limits = { hours: 48, quota: 99, mentionQuota: 1 };
const H = 3_600_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const none = { lastUnfollow: null, lastOpener: null, lastMention: null };
const zero = () => 0;

describe('windowOf (ledger semantics)', () => {
  it('has no window without an inbound event', () => {
    expect(windowOf(none, T0, limits, zero)).toEqual({ state: 'none' });
  });
  it('opens 48 hours with the full quota on a message, counted from that event', () => {
    const seen: number[] = [];
    const w = windowOf({ ...none, lastOpener: T0 }, T0 + 47 * H, limits, (t) => (seen.push(t), 10));
    expect(w).toEqual({ state: 'open', remaining: 89, expiresAt: new Date(T0 + 48 * H).toISOString() });
    expect(seen).toEqual([T0]);
  });
  it('expires exactly at 48 hours', () => {
    expect(windowOf({ ...none, lastOpener: T0 }, T0 + 48 * H, limits, zero).state).toBe('expired');
    expect(windowOf({ ...none, lastOpener: T0 }, T0 + 48 * H - 1, limits, zero).state).toBe('open');
  });
  it('gives a mention one reply, and marks it mention-only', () => {
    expect(windowOf({ ...none, lastMention: T0 }, T0 + H, limits, zero)).toMatchObject({ state: 'open', mentionOnly: true, remaining: 1 });
    expect(windowOf({ ...none, lastMention: T0 }, T0 + H, limits, () => 1)).toMatchObject({ state: 'open', mentionOnly: true, remaining: 0 });
  });
  it('prefers an open full window over a mention', () => {
    const w = windowOf({ ...none, lastOpener: T0, lastMention: T0 + H }, T0 + 2 * H, limits, zero);
    expect(w.mentionOnly).toBeUndefined();
    expect(w.remaining).toBe(99);
  });
  it('falls back to a later mention when the full window has expired', () => {
    const w = windowOf({ ...none, lastOpener: T0, lastMention: T0 + 40 * H }, T0 + 50 * H, limits, zero);
    expect(w).toMatchObject({ state: 'open', mentionOnly: true });
  });
  it('closes everything on unfollow, ties included, and reopens on a later follow', () => {
    expect(windowOf({ lastUnfollow: T0 + H, lastOpener: T0, lastMention: T0 }, T0 + 2 * H, limits, zero)).toEqual({ state: 'unfollowed' });
    expect(windowOf({ ...none, lastUnfollow: T0, lastOpener: T0 }, T0 + 1, limits, zero)).toEqual({ state: 'unfollowed' });
    expect(windowOf({ ...none, lastUnfollow: T0, lastOpener: T0 + H }, T0 + 2 * H, limits, zero).state).toBe('open');
  });
  it('reports quota 0 when configured so (an SDK that allows none)', () => {
    expect(windowOf({ ...none, lastOpener: T0 }, T0, { ...limits, quota: 0 }, zero).remaining).toBe(0);
  });
});

describe('checkWindow', () => {
  const rules = (w: Parameters<typeof checkWindow>[0]) => checkWindow(w, limits).map((f) => f.rule);
  it('runs no rule when the context has no window (a template linter)', () => {
    expect(checkWindow(undefined, limits)).toEqual([]);
    expect(checkWindow({}, limits)).toEqual([]);
  });
  it('maps each state to its finding', () => {
    expect(rules({ window: { state: 'open', remaining: 3 } })).toEqual([]);
    expect(rules({ window: { state: 'none' } })).toEqual(['window/expired']);
    expect(rules({ window: { state: 'expired', expiresAt: '2026-01-03T00:00:00.000Z' } })).toEqual(['window/expired']);
    expect(rules({ window: { state: 'unfollowed' } })).toEqual(['window/unfollowed']);
    expect(rules({ window: { state: 'open', remaining: 0 } })).toEqual(['window/quota']);
    expect(rules({ window: { state: 'open', remaining: 0, mentionOnly: true } })).toEqual(['window/mention-once']);
  });
  it('returns valid findings in both languages on receiver_id', () => {
    for (const state of ['none', 'expired', 'unfollowed'] as const) {
      const [f] = checkWindow({ window: { state } }, limits);
      expect(FindingSchema.parse(f)).toMatchObject({ severity: 'error', path: 'receiver_id' });
      expect(f!.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(f!.message.en).toMatch(/window|unfollow/i);
    }
    const [q] = checkWindow({ window: { state: 'open', remaining: 0 } }, { ...limits, quota: 20 });
    expect(q!.message.en).toContain('20 replies per 48h');
  });
});
