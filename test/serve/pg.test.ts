import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/sender/index.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { TOKEN } from '../sender/helpers.js';
import { freshDatabase } from '../sender/pg.js';
import { postgresTest } from '../system.js';
import { BOT, serve, tempDir, until, WIKI, writeSecret, type Served } from './helpers.js';

/**
 * Two `serve` instances behind one load balancer share a PostgreSQL outbox: Weibo's
 * retry of a push that reached the first lands on the second, and must be recorded once,
 * its bot reply queued and delivered once.
 */
describe.skipIf(postgresTest.missing)('two serve instances on one PostgreSQL outbox', { timeout: 90_000 }, () => {
  let mock: MockServer;
  let a: Served;
  let b: Served;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let cleanup: () => void;

  beforeAll(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    db = await freshDatabase();
    mock = await startMockServer({ token: TOKEN, appSecret: WIKI.secret });
    const args = ['--endpoint', mock.url, '--app-secret-file', writeSecret(t.dir, 'app-secret', WIKI.secret), '--handler', BOT, '--store', db.url];
    [a, b] = await Promise.all([serve(args, { dir: t.dir }), serve(args, { dir: t.dir })]);
  });
  afterAll(async () => {
    const exits = await Promise.all([a?.stop(), b?.stop()]);
    await mock?.close();
    await db?.drop();
    cleanup?.();
    for (const e of exits) expect(e?.code).toBe(0);
  });

  it("Weibo's retry on the other instance: recorded once, one reply queued and delivered once", async () => {
    const user = '3900000000000000001';
    mock.setPushTo(`${a.url}/weibo/push`);
    const first = await mock.push({ type: 'text', sender_id: user, text: 'ping' });
    expect(first.status).toBe(200);
    mock.setPushTo(`${b.url}/weibo/push`);
    const retry = await mock.pushRaw(first.sent);
    expect(retry.status).toBe(200);
    await until('the retry logged as a duplicate', async () => /push already recorded/.test(b.stderr()));
    expect(a.stderr()).toMatch(/"msg":"push recorded"/);
    expect(b.stderr()).not.toMatch(/"msg":"push recorded"/);

    await until('the reply delivered', async () => mock.deliveries.some((d) => d.receiverId === user));
    const store = createPostgresStore(db.url);
    try {
      const rows = (await store.list()).filter((m) => m.receiverId === user);
      expect(rows).toHaveLength(1);
      await until('the reply settled', async () => (await store.get(rows[0]!.id))?.state === 'sent');
    } finally {
      store.close();
    }
    expect(mock.deliveries.filter((d) => d.receiverId === user)).toHaveLength(1);
  });
});
