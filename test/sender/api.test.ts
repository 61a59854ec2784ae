import { describe, expect, it } from 'vitest';
import { backoffMs, checkEndpoint, decodeAnswer, encodeReply, kindOf, Redactor, tokenSource } from '../../src/sender/index.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, TOKEN } from './helpers.js';

const BIG = '9223372036854775807';

describe('encodeReply', () => {
  const body = encodeReply({ type: 'text', data: JSON.stringify({ text: '纯文本回复 & more' }), receiverId: BIG, saveSenderBox: 0 }, TOKEN);
  const form = new URLSearchParams(body);
  it('puts every field in the form body, the token included', () => {
    expect(form.get('access_token')).toBe(TOKEN);
    expect(form.get('type')).toBe('text');
    expect(form.get('receiver_id')).toBe(BIG);
    expect(form.get('save_sender_box')).toBe('0');
  });
  it('form-encodes the JSON data exactly once', () => {
    expect(form.get('data')).toBe('{"text":"纯文本回复 & more"}');
    expect(body).toContain('data=%7B%22text%22%3A%22%E7%BA%AF%E6%96%87%E6%9C%AC%E5%9B%9E%E5%A4%8D');
    expect(body).not.toContain('%257B');
  });
});

describe('decodeAnswer', () => {
  it('reads a success body, keeping bare int64 ids exact', () => {
    const d = decodeAnswer(200, `{"result":true,"sender_id":123,"receiver_id":${BIG},"type":"position","data":"%7B%22longitude%22%3A%22344.3344%22%7D"}`, null);
    expect(d).toMatchObject({ ok: true, reply: { sender_id: '123', receiver_id: BIG, type: 'position', data: { longitude: '344.3344' } } });
  });
  it('reads error bodies with string and numeric codes, on any status', () => {
    for (const [status, code] of [
      [400, '"21327"'],
      [400, '21327'],
      [200, '"21327"'],
    ] as const) {
      const d = decodeAnswer(status, `{"request":"/2/messages/reply/biz.json","error_code":${code},"error":"expired_token"}`, null);
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.error).toMatchObject({ kind: 'auth', details: { code: 21327, status, error: 'expired_token' } });
    }
  });
  it('treats an unreadable 2xx and a gateway\'s 502/504 as unknown outcomes, an unreadable 503 or 500 as transient', () => {
    const a = decodeAnswer(200, '<html>ok</html>', null);
    expect(!a.ok && a.error.kind).toBe('unknown');
    for (const status of [502, 504]) {
      const g = decodeAnswer(status, '<html>gateway</html>', null);
      expect(!g.ok && [g.error.kind, g.error.message]).toEqual(['unknown', expect.stringContaining('may have been delivered')]);
    }
    for (const status of [500, 503]) {
      const t = decodeAnswer(status, '<html>unavailable</html>', null);
      expect(!t.ok && t.error.kind).toBe('transient');
    }
  });
  it('honours Retry-After in seconds and as a date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const a = decodeAnswer(429, '', '7', now);
    const b = decodeAnswer(429, '', 'Thu, 01 Jan 2026 00:00:30 GMT', now);
    expect(!a.ok && a.error.details).toMatchObject({ retryAfterMs: 7000 });
    expect(!b.ok && b.error.details).toMatchObject({ retryAfterMs: 30_000 });
    expect(!a.ok && a.error.kind).toBe('rate-limit');
  });
});

describe('kindOf', () => {
  it.each([
    [10001, 'transient'],
    [10002, 'transient'],
    [10003, 'transient'],
    [10009, 'transient'],
    [10011, 'transient'],
    [10022, 'rate-limit'],
    [10023, 'rate-limit'],
    [10024, 'rate-limit'],
    [20016, 'rate-limit'],
    [21301, 'auth'],
    [21314, 'auth'],
    [21315, 'auth'],
    [21316, 'auth'],
    [21317, 'auth'],
    [21319, 'auth'],
    [21327, 'auth'],
    [10014, 'config'],
    [10008, 'permanent'],
    [10016, 'permanent'],
    [10017, 'permanent'],
    [10018, 'permanent'],
    [20013, 'permanent'],
    [20018, 'permanent'],
    [20301, 'permanent'],
  ] as const)('code %i is %s', (code, kind) => {
    expect(kindOf(code, 400)).toBe(kind);
  });
  it('classifies by status when there is no code', () => {
    expect(kindOf(null, 429)).toBe('rate-limit');
    expect(kindOf(null, 503)).toBe('transient');
    expect(kindOf(null, 401)).toBe('auth');
    expect(kindOf(null, 400)).toBe('permanent');
  });
});

describe('checkEndpoint', () => {
  it('accepts https anywhere and http on loopback only', () => {
    expect(checkEndpoint('https://c.api.weibo.com/2/messages/reply/biz.json').host).toBe('c.api.weibo.com');
    for (const ok of ['http://127.0.0.1:8080/x', 'http://127.9.9.9/x', 'http://localhost:1/x', 'http://[::1]:9/x']) expect(() => checkEndpoint(ok)).not.toThrow();
  });
  it('refuses plain http off loopback, look-alikes, credentials and junk', () => {
    for (const bad of ['http://c.api.weibo.com/x', 'http://127.0.0.1.evil.cn/x', 'http://localhost.evil.cn/x', 'http://10.0.0.1/x', 'ftp://127.0.0.1/x']) {
      expect(() => checkEndpoint(bad)).toThrow(/only https, or http on loopback/);
    }
    expect(() => checkEndpoint('https://u:p@c.api.weibo.com/')).toThrow(/credentials/);
    expect(() => checkEndpoint('not a url')).toThrow(/is not a URL/);
  });
});

describe('backoffMs', () => {
  it('is full jitter under an exponential, capped ceiling', () => {
    const s = { baseMs: 100, capMs: 1000 };
    expect(backoffMs(0, s, () => 0.999)).toBe(99);
    expect(backoffMs(3, s, () => 0.5)).toBe(400);
    expect(backoffMs(20, s, () => 0.999)).toBe(999);
    expect(backoffMs(5, s, () => 0)).toBe(0);
  });
});

describe('tokens', () => {
  it('come from a literal, a file, an env var or a hook, in that order of precedence after the hook', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'token');
      writeFileSync(file, `  ${TOKEN}\n`);
      expect(await tokenSource({ tokenFile: file })('a')).toBe(TOKEN);
      expect(await tokenSource({}, { WEIBO_GUARD_TOKEN: 'from-env' })('a')).toBe('from-env');
      expect(await tokenSource({ tokenEnv: 'X' }, { X: 'x-token' })('a')).toBe('x-token');
      expect(await tokenSource({ getToken: (acct) => `hook-${acct}`, token: 'lit' })('acme')).toBe('hook-acme');
      expect(() => tokenSource({}, {})('a')).toThrow('no access token: env var WEIBO_GUARD_TOKEN is empty or unset');
      expect(() => tokenSource({ tokenFile: join(dir, 'missing') })).toThrow(/cannot read token file .*missing: ENOENT/);
    } finally {
      cleanup();
    }
  });
  it('are scrubbed from text, raw and URL-encoded', () => {
    const r = new Redactor();
    r.add('a+b/c=');
    expect(r.redact('x a+b/c= y a%2Bb%2Fc%3D z')).toBe('x [redacted] y [redacted] z');
  });
});
