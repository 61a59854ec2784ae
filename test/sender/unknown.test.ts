import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { text } from './helpers.js';
import { eachStore, type Rig } from './setup.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

const texts = (rg: Rig) => rg.mock.deliveries.map((d) => (JSON.parse(d.data) as { text: string }).text);

eachStore((rig) => {
  describe('unknown outcomes are bounded', () => {
    it('answers that come after the response timeout: each message is resent at most maxResends times, then held with its slot kept', async () => {
      // The probe: every answer arrives after the timeout, 3 attempts allowed. (undici
      // checks response timeouts on a ~0.5 s tick, hence the wide gap.)
      r = await rig({ mock: { faults: { slowMs: 1500 } }, sender: { timeoutMs: 200, retry: { maxAttempts: 3, baseMs: 5, capMs: 20, rateLimitPauseMs: 50 } } });
      const ids = ['301', '302', '303', '304'];
      for (const id of ids) {
        await r.open(id);
        await r.sender.enqueue(text(id, `m${id}`));
      }
      const report = await r.sender.drain();
      // Default maxResends 1: one first send and one resend each.
      expect(r.mock.deliveries).toHaveLength(ids.length * 2);
      expect(report).toMatchObject({ sent: 0, failed: 0, held: 4, unknownOutcomes: 8, resent: 4 });
      const rows = await r.sender.list();
      expect(rows.map((m) => m.state)).toEqual(['uncertain', 'uncertain', 'uncertain', 'uncertain']);
      for (const m of rows) expect(m.reason).toMatch(/held for a person/);
      // A message that may have been delivered keeps its quota slot.
      for (const id of ids) expect((await r.sender.window(id)).remaining).toBe(98);
    });

    it.each([0, 2])('maxResends %i bounds the deliveries to 1 + maxResends per message', async (maxResends) => {
      r = await rig({ mock: { faults: { dropAfter: 1 } }, sender: { unknownOutcome: { maxResends }, retry: { maxAttempts: 8, baseMs: 1, capMs: 5, rateLimitPauseMs: 50 } } });
      for (const id of ['311', '312']) {
        await r.open(id);
        await r.sender.enqueue(text(id, id));
      }
      const report = await r.sender.drain();
      expect(r.mock.deliveries).toHaveLength(2 * (1 + maxResends));
      expect(report).toMatchObject({ held: 2, unknownOutcomes: 2 * (1 + maxResends), resent: 2 * maxResends, failed: 0 });
    });

    it('a transient failure after an unknown outcome never ends failed with the slot given back', async () => {
      // First attempt delivered without an answer, then Weibo is unavailable until the bound.
      r = await rig({ mock: { faults: { dropAfter: 1 } }, on: (e, mock) => e.type === 'unknown' && mock.setFaults({ unavailable: 1 }) });
      await r.open('320');
      await r.sender.enqueue(text('320', 'x'));
      const report = await r.sender.drain();
      expect(report).toMatchObject({ failed: 0, held: 1, unknownOutcomes: 1 });
      const [m] = await r.sender.list();
      expect(m).toMatchObject({ state: 'uncertain', unknownOutcomes: 1 });
      expect(m!.reason).toMatch(/HTTP 503.*may have been delivered/);
      expect((await r.sender.window('320')).remaining).toBe(98);
    });

    it('a refusal after an unknown outcome (the quota the first delivery used up) is held, not failed', async () => {
      r = await rig({ mock: { faults: { dropAfter: 1 }, quota: 1 }, on: (e, mock) => e.type === 'unknown' && mock.setFaults({}) });
      await r.open('321');
      await r.sender.enqueue(text('321', 'x'));
      const report = await r.sender.drain();
      expect(report).toMatchObject({ failed: 0, held: 1 });
      const [m] = await r.sender.list();
      expect(m).toMatchObject({ state: 'uncertain' });
      expect(m!.reason).toContain('Weibo error 20302');
      expect((await r.sender.window('321')).remaining).toBe(98);
      expect(r.mock.deliveries).toHaveLength(1);
    });

    it('an operator retry of an uncertain message is allowed and counted, and grants one attempt, no automatic resends', async () => {
      r = await rig({ mock: { faults: { dropAfter: 1 } }, sender: { unknownOutcome: { maxResends: 0 } } });
      await r.open('330');
      await r.sender.enqueue(text('330', 'x'));
      expect(await r.sender.drain()).toMatchObject({ held: 1 });
      const [m] = await r.sender.list();
      expect((await r.sender.retry(m!.id)).status).toBe('queued');
      expect((await r.sender.list())[0]).toMatchObject({ state: 'queued', operatorRetries: 1 });
      const again = await r.sender.drain();
      expect(again).toMatchObject({ held: 1, unknownOutcomes: 1, resent: 0 });
      expect(r.mock.deliveries).toHaveLength(2);
      expect((await r.sender.list())[0]).toMatchObject({ state: 'uncertain', operatorRetries: 1, unknownOutcomes: 2 });
    });

    it('an interrupted send found after a crash counts against the same bound', async () => {
      r = await rig({ mock: { faults: { dropAfter: 1 } } });
      await r.open('340');
      const res = await r.sender.enqueue(text('340', 'x'));
      if (res.status !== 'queued') throw new Error('not queued');
      await r.sender.store.step([], [{ id: res.id, attemptId: 'before-crash-1' }], Date.now());
      // Recovered as unknown (1), resent once: dropped after delivery (2): held.
      const report = await r.sender.drain();
      expect(report).toMatchObject({ recovered: 1, unknownOutcomes: 2, resent: 1, held: 1, failed: 0 });
      expect(r.mock.deliveries).toHaveLength(1);
    });

    it('a gateway timeout (504) after delivery is an unknown outcome, bounded like a timeout', async () => {
      r = await rig({ mock: { faults: { gatewayTimeout: 1 } } });
      await r.open('350');
      await r.sender.enqueue(text('350', 'x'));
      const report = await r.sender.drain();
      expect(r.mock.deliveries).toHaveLength(2);
      expect(report).toMatchObject({ held: 1, unknownOutcomes: 2, failed: 0 });
    });

    it('a 503 (the request was not taken) stays a definite non-delivery: retried, failed at the bound, slot given back', async () => {
      r = await rig({ mock: { faults: { unavailable: 1 } } });
      await r.open('351');
      await r.sender.enqueue(text('351', 'x'));
      const report = await r.sender.drain();
      expect(report).toMatchObject({ failed: 1, unknownOutcomes: 0, held: 0 });
      expect((await r.sender.window('351')).remaining).toBe(99);
    });
  });

  describe('connect and response timeouts', () => {
    let server: Server | undefined;
    const sockets: Socket[] = [];
    afterEach(async () => {
      for (const s of sockets.splice(0)) s.destroy();
      await new Promise<void>((res) => (server ? server.close(() => res()) : res()));
      server = undefined;
    });

    it('a connection that never completes its handshake is a connect timeout: nothing sent, retried freely, never unknown', async () => {
      // Accepts TCP and says nothing: the TLS handshake never completes, so no byte of
      // the request can have left.
      server = createServer((s) => sockets.push(s));
      await new Promise<void>((res) => server!.listen(0, '127.0.0.1', () => res()));
      const port = (server.address() as AddressInfo).port;
      r = await rig({
        sender: { endpoint: `https://127.0.0.1:${port}/2/messages/reply/biz.json`, connectTimeoutMs: 100, timeoutMs: 5_000, retry: { maxAttempts: 3, baseMs: 1, capMs: 5, rateLimitPauseMs: 50 } },
      });
      await r.open('360');
      await r.sender.enqueue(text('360', 'x'));
      const report = await r.sender.drain();
      expect(report).toMatchObject({ unknownOutcomes: 0, held: 0, failed: 1 });
      expect(report.failures[0]!.reason).toMatch(/gave up after 3 attempts: .*connect.*before sending/i);
      expect((await r.sender.window('360')).remaining).toBe(99);
    });

    it('a slow but working endpoint within the response timeout is sent once, however short the connect timeout', async () => {
      r = await rig({ mock: { faults: { slowMs: 300 } }, sender: { connectTimeoutMs: 50, timeoutMs: 3_000 } });
      await r.open('361');
      await r.sender.enqueue(text('361', 'x'));
      expect(await r.sender.drain()).toMatchObject({ sent: 1, unknownOutcomes: 0 });
      expect(texts(r)).toEqual(['x']);
    });
  });
});
