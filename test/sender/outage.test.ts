import { afterEach, expect, it } from 'vitest';
import { text } from './helpers.js';
import { eachStore, type Rig } from './setup.js';

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

eachStore((rig) => {
  it('an outage (503 for a while): messages wait, then all go out in order per receiver', async () => {
    r = await rig({ mock: { faults: { unavailable: 1 } }, sender: { retry: { maxAttempts: 50, baseMs: 10, capMs: 80, rateLimitPauseMs: 50 }, concurrency: 4 } });
    const receivers = ['101', '102', '103', '104', '105', '106'];
    for (const id of receivers) await r.open(id);
    for (let i = 0; i < 10; i++) for (const id of receivers) await r.sender.enqueue(text(id, `${id}#${i}`));
    const { mock } = r;
    const drained = r.sender.drain();
    setTimeout(() => mock.setFaults({}), 400);
    const report = await drained;
    expect(report).toMatchObject({ sent: 60, failed: 0, queued: 0, unknownOutcomes: 0 });
    expect(report.retries).toBeGreaterThan(0);
    expect(mock.stats.faults).toBeGreaterThan(0);
    for (const id of receivers) {
      const seen = mock.deliveries.filter((d) => d.receiverId === id).map((d) => JSON.parse(d.data).text as string);
      expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `${id}#${i}`));
    }
  });

  it('a network outage (nothing listening) is transient: nothing is sent twice and nothing is lost', async () => {
    r = await rig({ sender: { retry: { maxAttempts: 50, baseMs: 10, capMs: 80, rateLimitPauseMs: 50 } } });
    await r.open('110');
    for (let i = 0; i < 3; i++) await r.sender.enqueue(text('110', `m${i}`));
    const { mock, sender } = r;
    const url = new URL(mock.url);
    await mock.close();
    const down = await sender.drain({ wait: false });
    expect(down).toMatchObject({ sent: 0, unknownOutcomes: 0, queued: 3 });
    expect(down.retries).toBeGreaterThanOrEqual(1);
    // Weibo is back on the same port.
    const { startMockServer } = await import('../../src/mock/index.js');
    const back = await startMockServer({ token: (await import('./helpers.js')).TOKEN, port: Number(url.port), windows: 'open' });
    try {
      const up = await sender.drain();
      expect(up).toMatchObject({ sent: 3, queued: 0 });
      expect(back.deliveries.map((d) => JSON.parse(d.data).text)).toEqual(['m0', 'm1', 'm2']);
    } finally {
      await back.close();
    }
  });

  it('serves receivers round robin: none waits for another one\'s whole backlog', async () => {
    r = await rig({ sender: { concurrency: 1 } });
    for (const id of ['201', '202', '203']) await r.open(id);
    for (let i = 0; i < 3; i++) for (const id of ['201', '202', '203']) await r.sender.enqueue(text(id, `${id}#${i}`));
    await r.sender.drain();
    expect(r.mock.deliveries.map((d) => d.receiverId)).toEqual(['201', '202', '203', '201', '202', '203', '201', '202', '203']);
  });
});
