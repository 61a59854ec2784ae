import { describe, expect, it } from 'vitest';
import { parseJsonExact } from '../../src/payload/json.js';
import { PushFormatError } from '../../src/serve/errors.js';
import { formatWeiboDate, KNOWN_PUSH_LABELS, parsePush, parseWeiboDate } from '../../src/serve/push.js';
import { verifyPush, pushSignature } from '../../src/serve/signature.js';
import { WIKI } from './helpers.js';

const base = { receiver_id: 1000000001, sender_id: 2000000002, created_at: 'Mon Jul 16 18:09:20 +0800 2012', text: '', data: {} };

describe('push parsing', () => {
  it("reads Weibo's created_at with its offset, and refuses what is not that form", () => {
    expect(parseWeiboDate('Mon Jul 16 18:09:20 +0800 2012')).toBe(Date.parse('2012-07-16T10:09:20Z'));
    expect(parseWeiboDate('Tue Dec 01 00:00:00 -0130 2026')).toBe(Date.parse('2026-12-01T01:30:00Z'));
    for (const bad of ['Mon Feb 30 18:09:20 +0800 2012', 'Mon Jul 16 25:09:20 +0800 2012', '2012-07-16T10:09:20Z', 'Mon Jul 16 18:09:20 2012', '']) expect([bad, parseWeiboDate(bad)]).toEqual([bad, null]);
    const t = Date.parse('2026-12-01T15:04:05Z');
    expect(parseWeiboDate(formatWeiboDate(t))).toBe(t);
  });

  it('maps every known type and subtype to its ledger kind; each has its own label', () => {
    const kinds: Record<string, string> = {};
    for (const type of ['text', 'position', 'voice', 'image']) kinds[type] = (parsePush({ ...base, type }) as { push: { kind: string } }).push.kind;
    for (const subtype of ['follow', 'subscribe', 'scan', 'scan_follow', 'click', 'mention', 'unfollow', 'unsubscribe']) {
      kinds[`event/${subtype}`] = (parsePush({ ...base, type: 'event', data: { subtype } }) as { push: { kind: string } }).push.kind;
    }
    expect(kinds).toEqual({
      text: 'message', position: 'message', voice: 'message', image: 'message',
      'event/follow': 'follow', 'event/subscribe': 'follow', 'event/scan': 'qrcode', 'event/scan_follow': 'qrcode',
      'event/click': 'menu', 'event/mention': 'mention', 'event/unfollow': 'unfollow', 'event/unsubscribe': 'unfollow',
    });
    expect([...KNOWN_PUSH_LABELS].sort()).toEqual(Object.keys(kinds).sort());
  });

  it('unknown types and subtypes are not errors, even with fields it cannot read', () => {
    expect(parsePush({ type: 'hologram' })).toEqual({ known: false, type: 'hologram' });
    expect(parsePush({ ...base, type: 'event', data: { subtype: 'teleport' }, sender_id: 'x' })).toEqual({ known: false, type: 'event', subtype: 'teleport' });
    expect(parsePush({ ...base, type: 'event', data: { subtype: 'constructor' } })).toMatchObject({ known: false });
  });

  it('keeps int64 ids exact from JSON text, and refuses ids outside int64 naming the field', () => {
    const r = parseJsonExact('{"type":"text","receiver_id":1000000001,"sender_id":9223372036854775807,"created_at":"Mon Jul 16 18:09:20 +0800 2012"}');
    expect(r.ok).toBe(true);
    const p = parsePush((r as { value: unknown }).value);
    expect(p).toMatchObject({ known: true, push: { senderId: '9223372036854775807', receiverId: '1000000001', eventId: 'push:1000000001:9223372036854775807:Mon Jul 16 18:09:20 +0800 2012:text' } });
    const over = parseJsonExact('{"type":"text","receiver_id":1,"sender_id":9223372036854775808,"created_at":"Mon Jul 16 18:09:20 +0800 2012"}');
    expect(() => parsePush((over as { value: unknown }).value)).toThrow(new PushFormatError('push sender_id: expected a positive int64 id, got 9223372036854775808', 'sender_id'));
    for (const [field, value, message] of [
      ['created_at', 'yesterday', /^push created_at: "yesterday" is not a date/],
      ['receiver_id', 1.5, /^push receiver_id: expected a positive int64 id, got 1\.5/],
      ['text', 7, /^push text: expected a string, got 7/],
      ['data', [], /^push data: expected an object, got \[\]/],
    ] as const) {
      expect(() => parsePush({ ...base, type: 'text', [field]: value })).toThrow(message);
    }
    expect(() => parsePush({ ...base, type: 'event', data: {} })).toThrow(/^push data\.subtype: an event needs one/);
    expect(() => parsePush([])).toThrow(/^push body: expected a JSON object, got an array/);
  });
});

describe('push signature', () => {
  it("is the wiki's worked example, and verification bounds the timestamp both ways", () => {
    expect(pushSignature(WIKI.secret, WIKI.timestamp, WIKI.nonce)).toBe(WIKI.signature);
    const query = { signature: WIKI.signature, timestamp: WIKI.timestamp, nonce: WIKI.nonce };
    const at = Number(WIKI.timestamp);
    expect(verifyPush({ appSecret: WIKI.secret, query, now: at + 60_000, maxSkewMs: 300_000 })).toEqual({ ok: true });
    expect(verifyPush({ appSecret: WIKI.secret, query: { ...query, signature: WIKI.signature.toUpperCase() }, now: at, maxSkewMs: 300_000 })).toEqual({ ok: true });
    expect(verifyPush({ appSecret: WIKI.secret, query, now: at + 301_000, maxSkewMs: 300_000 })).toMatchObject({ ok: false, reason: expect.stringMatching(/ 301 s old/) });
    expect(verifyPush({ appSecret: WIKI.secret, query, now: at - 301_000, maxSkewMs: 300_000 })).toMatchObject({ ok: false, reason: expect.stringMatching(/ 301 s ahead/) });
    expect(verifyPush({ appSecret: 'xyz123xyZ', query, now: at, maxSkewMs: 300_000 })).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verifyPush({ appSecret: WIKI.secret, query: { ...query, signature: WIKI.signature.slice(1) }, now: at, maxSkewMs: 300_000 })).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verifyPush({ appSecret: WIKI.secret, query: { timestamp: WIKI.timestamp }, now: at, maxSkewMs: 300_000 })).toEqual({ ok: false, reason: 'missing signature, nonce in the query string' });
  });
});
