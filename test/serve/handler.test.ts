import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createSender, startMockServer } from '../../src/sender/index.js';
import { createPushHandler, type Bot } from '../../src/serve/handler.js';
import { formatWeiboDate } from '../../src/serve/push.js';
import { pushSignature } from '../../src/serve/signature.js';
import { gate, TOKEN } from '../sender/helpers.js';
import { tempDir } from './helpers.js';

const undo: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const u of undo.splice(0).reverse()) await u();
});

const SECRET = 'lib-secret';
const query = () => {
  const timestamp = String(Date.now());
  return { signature: pushSignature(SECRET, timestamp, '9'), timestamp, nonce: '9' };
};

it('createPushHandler in an application of its own: a passive reply whose connection closed first is sent by the worker, once', async () => {
  const t = tempDir();
  undo.push(t.cleanup);
  const mock = await startMockServer({ token: TOKEN, windows: 'open' });
  undo.push(() => mock.close());
  const sender = createSender({ gate: gate(), token: TOKEN, endpoint: mock.url, store: { path: join(t.dir, 'o.db') } });
  undo.push(() => sender.close());
  const bot: Bot = (p) => ({ message: `hi ${p.senderId}`, passive: true });
  const handler = createPushHandler({ sender, appSecret: SECRET, bot });
  const body = `{"type":"text","receiver_id":1000000001,"sender_id":4000000000000000001,"created_at":"${formatWeiboDate(Date.now())}","text":"hello","data":{}}`;
  const r = await handler.handle({ method: 'POST', query: query(), body });
  expect(r.body).toContain('"receiver_id":4000000000000000001');
  expect(r.written).toBeTypeOf('function');
  const [rec] = await sender.list();
  expect(rec).toMatchObject({ state: 'sending', receiverId: '4000000000000000001' });
  await r.written!(false);
  expect(await sender.store.get(rec!.id)).toMatchObject({ state: 'queued' });
  // A retry of the same push is answered empty and runs no bot.
  expect(await handler.handle({ method: 'POST', query: query(), body })).toMatchObject({ status: 200, body: '' });
  const report = await sender.drain();
  expect(report.sent).toBe(1);
  expect(mock.deliveries.map((d) => [d.receiverId, JSON.parse(d.data)])).toEqual([['4000000000000000001', { text: 'hi 4000000000000000001' }]]);
  await handler.idle();
  expect((await sender.list()).map((x) => x.state)).toEqual(['sent']);
});

it('createPushHandler refuses everything without an App Secret', async () => {
  const t = tempDir();
  undo.push(t.cleanup);
  const sender = createSender({ gate: gate(), token: TOKEN, store: { path: join(t.dir, 'o.db') } });
  undo.push(() => sender.close());
  const handler = createPushHandler({ sender, appSecret: undefined });
  expect((await handler.handle({ method: 'GET', query: { ...query(), echostr: 'e' } })).status).toBe(403);
  expect((await handler.handle({ method: 'POST', query: query(), body: '{}' })).status).toBe(403);
});
