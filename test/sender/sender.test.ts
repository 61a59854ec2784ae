import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSender, openStore } from '../../src/sender/index.js';
import { clock, HOUR, gate, text, TOKEN } from './helpers.js';
import { eachStore, type Rig } from './setup.js';

const BIG = '9223372036854775807';
let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

eachStore((rig) => {
  describe('enqueue', () => {
    it('stores an allowed message durably and the worker posts it with the int64 receiver exact', async () => {
      r = await rig();
      await r.open(BIG);
      const res = await r.sender.enqueue(text(BIG, '您好，已收到'));
      expect(res.status).toBe('queued');
      // Durable before enqueue returned: a second connection to the store sees it.
      const other = openStore(r.db);
      expect((await other.list()).map((m) => m.state)).toEqual(['queued']);
      other.close();
      const report = await r.sender.drain();
      expect(report).toMatchObject({ sent: 1, failed: 0, queued: 0, unknownOutcomes: 0 });
      expect(r.mock.deliveries).toEqual([expect.objectContaining({ receiverId: BIG, type: 'text', data: '{"text":"您好，已收到"}', saveSenderBox: 1 })]);
      expect((await r.sender.list())[0]).toMatchObject({ state: 'sent', receiverId: BIG });
    });

    it('never stores or sends a blocked message', async () => {
      r = await rig();
      const res = await r.sender.enqueue(text('42', 'no window yet'));
      expect(res.status).toBe('blocked');
      expect(res.verdict.findings.map((f) => f.rule)).toEqual(['window/expired']);
      const shape = await r.sender.enqueue({ type: 'text', data: { text: 'x' } });
      expect(shape.status).toBe('blocked');
      expect(shape.verdict.findings.map((f) => f.rule)).toContain('payload/receiver-id-missing');
      await r.sender.drain();
      expect(await r.sender.list()).toEqual([]);
      expect(r.mock.stats.requests).toBe(0);
    });

    it('stores one message per idempotency key', async () => {
      r = await rig();
      await r.open('7');
      const a = await r.sender.enqueue(text('7', 'hi'), {}, { key: 'batch-1:0' });
      const b = await r.sender.enqueue(text('7', 'hi'), {}, { key: 'batch-1:0' });
      expect(a.status === 'queued' && b.status === 'queued' && b.duplicate && a.id === b.id).toBe(true);
      expect(await r.sender.list()).toHaveLength(1);
    });

    it('refuses a plain-http endpoint off loopback', () => {
      expect(() => createSender({ gate: gate(), endpoint: 'http://c.api.weibo.com/2/messages/reply/biz.json', store: { path: ':memory:' } })).toThrow(/only https/);
    });
  });

  describe('ledger and window rules', () => {
    it('de-duplicates re-pushed events by eventId, and by sender+time without one', async () => {
      r = await rig();
      const e = { from: '9', kind: 'message' as const, at: '2026-01-01T00:00:00Z' };
      expect(await r.sender.recordInbound({ ...e, eventId: 'push-1' })).toEqual({ recorded: true });
      expect(await r.sender.recordInbound({ ...e, eventId: 'push-1' })).toEqual({ recorded: false });
      expect(await r.sender.recordInbound(e)).toEqual({ recorded: true });
      expect(await r.sender.recordInbound(e)).toEqual({ recorded: false });
      await expect(r.sender.recordInbound({ ...e, kind: 'poke' as never })).rejects.toThrow(/inbound event: kind:/);
      await expect(r.sender.recordInbound({ ...e, from: 12345678901234567890 })).rejects.toThrow(/inbound event: from:/);
    });

    it('quota: the slot is taken at enqueue, so the 3rd reply of a 2-reply window is blocked', async () => {
      r = await rig({ gate: gate({ quota: 2 }) });
      await r.open('5');
      expect((await r.sender.enqueue(text('5', 'a'))).status).toBe('queued');
      expect((await r.sender.enqueue(text('5', 'b'))).status).toBe('queued');
      const third = await r.sender.enqueue(text('5', 'c'));
      expect(third.status === 'blocked' && third.verdict.findings[0]?.rule).toBe('window/quota');
    });

    it('quota is atomic across two senders on one outbox', async () => {
      r = await rig({ gate: gate({ quota: 1 }) });
      await r.open('5');
      const second = createSender({ gate: gate({ quota: 1 }), store: { path: r.db }, endpoint: r.mock.url, token: TOKEN });
      const results = await Promise.all([r.sender.enqueue(text('5', 'a')), second.enqueue(text('5', 'b')), r.sender.enqueue(text('5', 'c'))]);
      second.close();
      expect(results.map((x) => x.status).sort()).toEqual(['blocked', 'blocked', 'queued']);
    });

    it('mention: one reply, then window/mention-once', async () => {
      r = await rig();
      await r.open('6', 'mention');
      expect((await r.sender.enqueue(text('6', 'thanks for the mention'))).status).toBe('queued');
      const again = await r.sender.enqueue(text('6', 'again'));
      expect(again.status === 'blocked' && again.verdict.findings.map((f) => f.rule)).toEqual(['window/mention-once']);
    });

    it('unfollow closes the window; 48 hours close it too', async () => {
      const c = clock();
      r = await rig({ sender: { now: c.now }, mock: { now: c.now } });
      await r.open('8');
      await r.open('11');
      await r.sender.recordInbound({ from: '8', kind: 'unfollow', at: c.now() + 1 });
      c.advance(2);
      const un = await r.sender.enqueue(text('8', 'x'));
      expect(un.status === 'blocked' && un.verdict.findings.map((f) => f.rule)).toEqual(['window/unfollowed']);
      c.advance(48 * HOUR);
      const late = await r.sender.enqueue(text('11', 'x'));
      expect(late.status === 'blocked' && late.verdict.findings.map((f) => f.rule)).toEqual(['window/expired']);
    });

    it('a reply Weibo refuses for its own window (20302) fails with the reason and gives the slot back', async () => {
      r = await rig({ gate: gate({ quota: 1 }) });
      await r.sender.recordInbound({ from: '12', kind: 'message', at: Date.now() }); // our ledger only
      expect((await r.sender.enqueue(text('12', 'a'))).status).toBe('queued');
      const report = await r.sender.drain();
      expect(report.failed).toBe(1);
      expect(report.failures[0]!.reason).toContain('Weibo error 20302');
      expect((await r.sender.window('12')).remaining).toBe(1);
    });

    it('the mock enforces the 48 hours and the quota like Weibo', async () => {
      const c = clock();
      r = await rig({ mock: { now: c.now, quota: 1 }, sender: { now: c.now }, gate: gate({ quota: 5 }) });
      await r.open('13');
      await r.sender.enqueue(text('13', 'a'));
      await r.sender.enqueue(text('13', 'b'));
      const report = await r.sender.drain();
      expect(report.sent).toBe(1);
      expect(report.failures.map((f) => f.reason)).toEqual([expect.stringContaining('quota of this window used up')]);
    });
  });

  describe('error kinds against the mock', () => {
    it('transient (10001): retried with backoff, then sent', async () => {
      r = await rig({ mock: { faults: { errorCode: 10001 } }, on: (e, mock) => e.type === 'retry' && mock.setFaults({}) });
      await r.open('20');
      await r.sender.enqueue(text('20', 'x'));
      const report = await r.sender.drain();
      expect(report).toMatchObject({ sent: 1, failed: 0, retries: 1 });
      expect(r.mock.stats.requests).toBe(2);
      expect((await r.sender.list())[0]!.attempts).toBe(report.retries);
    });

    it('transient: bounded — fails with the reason after maxAttempts', async () => {
      r = await rig({ mock: { faults: { unavailable: 1 } } });
      await r.open('21');
      await r.sender.enqueue(text('21', 'x'));
      const report = await r.sender.drain();
      expect(report.failures[0]!.reason).toMatch(/^gave up after 4 attempts: HTTP 503/);
      expect(r.mock.stats.requests).toBe(4);
      expect((await r.sender.window('21')).remaining).toBe(99);
    });

    it('rate limit (429, 10023): pauses the account for Retry-After, does not count an attempt, resumes', async () => {
      r = await rig({ mock: { faults: { rateLimit: 1, retryAfterSeconds: 1 } }, on: (e, mock) => e.type === 'paused' && mock.setFaults({}) });
      await r.open('22');
      await r.sender.enqueue(text('22', 'x'));
      const { events, mock } = r;
      const report = await r.sender.drain();
      const paused = events.find((e) => e.type === 'paused');
      expect(paused).toMatchObject({ account: 'default', reason: expect.stringContaining('10023') });
      expect(report).toMatchObject({ sent: 1, failed: 0 });
      const [m] = await r.sender.list();
      expect(m!.attempts).toBe(0);
      expect(mock.deliveries[0]!.at - (paused as { until: number }).until).toBeGreaterThanOrEqual(-5);
    });

    it('auth (21327): stops the account, keeps its messages queued, says so', async () => {
      r = await rig({ mock: { faults: { expiredToken: true } } });
      for (const id of ['30', '31', '32']) {
        await r.open(id);
        await r.sender.enqueue(text(id, 'x'));
      }
      const report = await r.sender.drain();
      expect(report.stopped).toEqual([{ account: 'default', reason: expect.stringContaining('21327') }]);
      expect(report).toMatchObject({ sent: 0, failed: 0, queued: 3 });
      expect(r.events).toContainEqual({ type: 'stopped', account: 'default', reason: expect.stringContaining('expired_token'), queued: 3 });
      expect(r.mock.stats.requests).toBeLessThanOrEqual(3);
      r.mock.setFaults({});
      expect(await r.sender.drain()).toMatchObject({ sent: 3, queued: 0 });
    });

    it('auth: a wrong token is 21301, same handling', async () => {
      r = await rig({ sender: { token: 'wrong-token-value' } });
      await r.open('33');
      await r.sender.enqueue(text('33', 'x'));
      const report = await r.sender.drain();
      expect(report.stopped[0]!.reason).toContain('21301');
    });

    it('rate limit by code (20016, no Retry-After): paused for the configured time, then sent', async () => {
      r = await rig({ mock: { faults: { errorCode: 20016 } }, on: (e, mock) => e.type === 'paused' && mock.setFaults({}) });
      await r.open('23');
      await r.sender.enqueue(text('23', 'x'));
      const report = await r.sender.drain();
      expect(report).toMatchObject({ sent: 1, failed: 0, retries: 0 });
      expect(r.events.find((e) => e.type === 'paused')).toMatchObject({ reason: expect.stringContaining('20016') });
    });

    it('config (10014, app lacks permission): stops the account like auth', async () => {
      r = await rig({ mock: { faults: { errorCode: 10014 } } });
      await r.open('34');
      await r.sender.enqueue(text('34', 'x'));
      const report = await r.sender.drain();
      expect(report).toMatchObject({ queued: 1, stopped: [{ account: 'default', reason: expect.stringContaining('10014') }] });
    });

    it('a connection dropped before the request was read: outcome unknown to us, sent again, no duplicate at Weibo', async () => {
      r = await rig({ mock: { faults: { dropBefore: 1 } }, on: (e, mock) => e.type === 'unknown' && mock.setFaults({}) });
      await r.open('54');
      await r.sender.enqueue(text('54', 'x'));
      const report = await r.sender.drain();
      expect(report).toMatchObject({ sent: 1, unknownOutcomes: 1 });
      expect(r.mock.deliveries).toHaveLength(1);
    });

    it.each([20018, 20013, 10017, 20301])('permanent (%i): failed with the reason, slot given back', async (code) => {
      r = await rig({ mock: { faults: { errorCode: code } } });
      await r.open('40');
      await r.sender.enqueue(text('40', 'x'));
      const report = await r.sender.drain();
      expect(report.failures).toEqual([{ id: expect.any(String), reason: expect.stringContaining(`Weibo error ${code}`) }]);
      expect(r.mock.stats.requests).toBe(1);
      expect((await r.sender.list())[0]).toMatchObject({ state: 'failed', reason: expect.stringContaining(String(code)) });
      expect((await r.sender.window('40')).remaining).toBe(99);
    });

    it('unknown outcome (timeout after sending): sent again by default, and counted', async () => {
      r = await rig({ mock: { faults: { slowMs: 1500 } }, sender: { timeoutMs: 200 }, on: (e, mock) => e.type === 'unknown' && mock.setFaults({}) });
      await r.open('50');
      await r.sender.enqueue(text('50', 'x'));
      const report = await r.sender.drain();
      expect(report).toMatchObject({ sent: 1, unknownOutcomes: 1, held: 0 });
      expect(r.mock.deliveries).toHaveLength(2);
      expect((await r.sender.list())[0]).toMatchObject({ state: 'sent', unknownOutcomes: 1 });
    });

    it('unknown outcome (connection dropped after delivery) on a mention reply: held for a person', async () => {
      r = await rig({ mock: { faults: { dropAfter: 1 } } });
      await r.open('51', 'mention');
      await r.sender.enqueue(text('51', 'x'));
      const report = await r.sender.drain();
      expect(report).toMatchObject({ sent: 0, held: 1, unknownOutcomes: 1 });
      const [m] = await r.sender.list();
      expect(m).toMatchObject({ state: 'uncertain', mention: true });
      expect(r.mock.deliveries).toHaveLength(1);
      // A person sends it again anyway: Weibo had delivered it, so the mention's one
      // reply is used up and Weibo refuses — the duplicate an automatic resend would risk.
      // The refusal is no proof it was not delivered: held again, the slot still taken.
      r.mock.setFaults({});
      expect((await r.sender.retry(m!.id)).status).toBe('queued');
      const again = await r.sender.drain();
      expect(again).toMatchObject({ failed: 0, held: 1 });
      expect((await r.sender.list())[0]).toMatchObject({ state: 'uncertain', operatorRetries: 1, reason: expect.stringContaining('Weibo error 20302') });
      expect(r.mock.deliveries).toHaveLength(1);
    });

    it('the unknown-outcome policy is configurable', async () => {
      r = await rig({ mock: { faults: { dropAfter: 1 } }, sender: { unknownOutcome: { default: 'hold', mention: 'hold' } } });
      await r.open('52');
      await r.sender.enqueue(text('52', 'x'));
      expect(await r.sender.drain()).toMatchObject({ held: 1, sent: 0 });
    });

    it('a message found in `sending` after a crash has an unknown outcome and is re-sent, counted', async () => {
      r = await rig();
      await r.open('53');
      const res = await r.sender.enqueue(text('53', 'x'));
      if (res.status !== 'queued') throw new Error('not queued');
      await r.sender.store.step([], [{ id: res.id, attemptId: 'attempt-before-crash' }], Date.now());
      const report = await r.sender.drain();
      expect(report).toMatchObject({ recovered: 1, unknownOutcomes: 1, sent: 1 });
    });
  });

  describe('outbox operations', () => {
    it('drop gives a queued message\'s slot back; sent messages cannot be dropped', async () => {
      r = await rig({ gate: gate({ quota: 1 }) });
      await r.open('60');
      const a = await r.sender.enqueue(text('60', 'a'));
      if (a.status !== 'queued') throw new Error('not queued');
      expect((await r.sender.drop(a.id)).state).toBe('dropped');
      expect((await r.sender.window('60')).remaining).toBe(1);
      const b = await r.sender.enqueue(text('60', 'b'));
      await r.sender.drain();
      if (b.status !== 'queued') throw new Error('not queued');
      await expect(r.sender.drop(b.id)).rejects.toThrow(/is sent; only queued, failed or uncertain/);
    });

    it('retry re-judges a failed message through the gate and the window', async () => {
      r = await rig({ mock: { faults: { errorCode: 20018 } } });
      await r.open('61');
      const a = await r.sender.enqueue(text('61', 'a'));
      await r.sender.drain();
      if (a.status !== 'queued') throw new Error('not queued');
      r.mock.setFaults({});
      expect((await r.sender.retry(a.id)).status).toBe('queued');
      expect(await r.sender.drain()).toMatchObject({ sent: 1 });
    });
  });

  describe('a following worker (a service)', () => {
    it('keeps draining until aborted: own enqueues wake it, others\' are polled', async () => {
      r = await rig();
      for (const id of ['80', '81']) await r.open(id);
      const stop = new AbortController();
      const drained = r.sender.drain({ follow: true, pollMs: 30, signal: stop.signal });
      await r.sender.enqueue(text('80', 'own'));
      const other = createSender({ gate: gate(), store: { path: r.db }, endpoint: r.mock.url, token: TOKEN });
      await other.enqueue(text('81', 'from another process'));
      other.close();
      for (let i = 0; i < 300 && r.mock.deliveries.length < 2; i++) await new Promise((res) => setTimeout(res, 10));
      stop.abort();
      expect(await drained).toMatchObject({ sent: 2, queued: 0 });
      expect(r.mock.deliveries.map((d) => d.receiverId).sort()).toEqual(['80', '81']);
    });
  });

  describe('secrets', () => {
    it('the token never reaches the outbox, events, reasons or errors, even when a server echoes it', async () => {
      const echo: typeof fetch = async (_url, init) =>
        new Response(JSON.stringify({ error_code: 10017, error: `bad request: ${String(init?.body)}` }), { status: 400 });
      r = await rig({ sender: { fetch: echo } });
      for (const id of ['70', '71']) {
        await r.open(id);
        await r.sender.enqueue(text(id, 'x'));
      }
      const report = await r.sender.drain();
      expect(report.failed).toBe(2);
      const texts = [JSON.stringify(report), JSON.stringify(r.events), JSON.stringify(await r.sender.list())];
      r.sender.close();
      for (const f of readdirSync(r.dir)) texts.push(readFileSync(join(r.dir, f)).toString('latin1'));
      expect(texts.join('\n')).toContain('[redacted]');
      for (const t of texts) expect(t).not.toContain(TOKEN);
      expect(texts.join('\n')).not.toContain(encodeURIComponent(TOKEN));
    });
  });
});
