import { describe, expect, it } from 'vitest';
import { kindForKey, templatePayloadFindings, underUnknown, withReceiverStandIn } from '../../src/checks/templates.js';
import { createGate } from '../../src/gate.js';
import { verdictOf, type Finding } from '../../src/findings.js';

describe('kindForKey', () => {
  it('reads url, href and link (any case) as a URL, everything else as text', () => {
    expect(kindForKey('url')).toBe('url');
    expect(kindForKey('HREF')).toBe('url');
    expect(kindForKey('Link')).toBe('url');
    expect(kindForKey('links')).toBe('text');
    expect(kindForKey('text')).toBe('text');
    expect(kindForKey(null)).toBe('text');
    expect(kindForKey(undefined)).toBe('text');
  });
});

describe('underUnknown', () => {
  const unknown = new Set(['data.articles[0]', 'data.extra']);
  it('covers the unknown path and everything under it, at path boundaries only', () => {
    expect(underUnknown('data.articles[0]', unknown)).toBe(true);
    expect(underUnknown('data.articles[0].url', unknown)).toBe(true);
    expect(underUnknown('data.extra[2]', unknown)).toBe(true);
    expect(underUnknown('data.articles[01]', unknown)).toBe(false);
    expect(underUnknown('data.extraneous', unknown)).toBe(false);
    expect(underUnknown('data.articles', unknown)).toBe(false);
  });
  it('an unknown root covers everything; no unknowns cover nothing', () => {
    expect(underUnknown('data.text', new Set(['']))).toBe(true);
    expect(underUnknown('', new Set())).toBe(false);
  });
});

describe('withReceiverStandIn', () => {
  it('adds a receiver to an object without one and counts it unknown, leaving the input alone', () => {
    const input = { type: 'text', data: { text: 'hi' } };
    const out = withReceiverStandIn(input, new Set(['data.x']));
    expect(out.value).toEqual({ receiver_id: '1', type: 'text', data: { text: 'hi' } });
    expect([...out.unknown].sort()).toEqual(['data.x', 'receiver_id']);
    expect(input).not.toHaveProperty('receiver_id');
  });
  it('keeps a receiver the template sets, and non-objects, as they are', () => {
    const given = { receiver_id: 'abc', type: 'text', data: {} };
    const unknown = new Set<string>();
    expect(withReceiverStandIn(given, unknown)).toEqual({ value: given, unknown });
    expect(withReceiverStandIn(['x'], unknown).value).toEqual(['x']);
    expect(withReceiverStandIn(null, unknown).value).toBeNull();
  });
});

describe('templatePayloadFindings', () => {
  const gate = createGate({ cwd: process.cwd() });
  it('does not report the missing receiver of a template, but does report a bad one it sets', () => {
    const template = { type: 'text', data: { text: 'hello' } };
    expect(gate.check(template).findings.some((f) => f.path === 'receiver_id')).toBe(true);
    expect(templatePayloadFindings((m) => gate.check(m), template, new Set()).some((f) => f.path === 'receiver_id')).toBe(false);
    const bad = { receiver_id: 'not a number', type: 'text', data: { text: 'hello' } };
    expect(templatePayloadFindings((m) => gate.check(m), bad, new Set()).some((f) => f.path === 'receiver_id')).toBe(true);
  });
  it('drops findings under unknown parts and keeps the rest', () => {
    const a: Finding = { rule: 'payload/text-empty', severity: 'error', message: { en: 'a', zh: 'a' }, path: 'data.text' };
    const b: Finding = { rule: 'payload/type', severity: 'error', message: { en: 'b', zh: 'b' }, path: 'type' };
    const seen: unknown[] = [];
    const found = templatePayloadFindings((m) => (seen.push(m), verdictOf([a, b])), { type: 'text', data: {} }, new Set(['data.text']));
    expect(found).toEqual([b]);
    expect(seen).toEqual([{ receiver_id: '1', type: 'text', data: {} }]);
  });
});
