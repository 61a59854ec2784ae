import { describe, expect, it } from 'vitest';
import { kindForKey, templatePayloadFindings } from '../../src/checks/templates.js';
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

/** The paths whose findings templatePayloadFindings keeps, when the check reports one at each of `paths`. */
function kept(paths: string[], unknown: Set<string>, value: unknown = { receiver_id: 'r', type: 'text', data: {} }): string[] {
  const findings = paths.map((path): Finding => ({ rule: 'payload/unknown-field', severity: 'error', message: { en: path, zh: path }, path }));
  return templatePayloadFindings(() => verdictOf(findings), value, unknown).map((f) => f.path);
}

describe('templatePayloadFindings: what an unknown part covers', () => {
  it('the unknown path and everything under it, at path boundaries only', () => {
    const unknown = new Set(['data.articles[0]', 'data.extra']);
    const paths = ['data.articles[0]', 'data.articles[0].url', 'data.extra[2]', 'data.articles[01]', 'data.extraneous', 'data.articles'];
    expect(kept(paths, unknown)).toEqual(['data.articles[01]', 'data.extraneous', 'data.articles']);
  });
  it('an unknown root covers everything; no unknowns cover nothing', () => {
    expect(kept(['data.text', '', 'type'], new Set(['']))).toEqual([]);
    expect(kept(['', 'data.text'], new Set())).toEqual(['', 'data.text']);
  });
});

describe('templatePayloadFindings: the stand-in receiver', () => {
  it('adds a receiver to an object without one and counts it unknown, leaving the input alone', () => {
    const input = { type: 'text', data: { text: 'hi' } };
    const seen: unknown[] = [];
    const receiverFinding: Finding = { rule: 'payload/unknown-field', severity: 'error', message: { en: 'r', zh: 'r' }, path: 'receiver_id' };
    expect(templatePayloadFindings((m) => (seen.push(m), verdictOf([receiverFinding])), input, new Set(['data.x']))).toEqual([]);
    expect(seen).toEqual([{ receiver_id: '1', type: 'text', data: { text: 'hi' } }]);
    expect(input).not.toHaveProperty('receiver_id');
  });
  it('keeps a receiver the template sets, and non-objects, as they are', () => {
    for (const value of [{ receiver_id: 'abc', type: 'text', data: {} }, ['x'], null]) {
      const seen: unknown[] = [];
      templatePayloadFindings((m) => (seen.push(m), verdictOf([])), value, new Set());
      expect(seen[0]).toBe(value);
    }
    expect(kept(['receiver_id'], new Set(), { receiver_id: 'abc', type: 'text', data: {} })).toEqual(['receiver_id']);
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
