import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGate } from '../../src/gate.js';
import { startMockServer, type MockServer, type OutboxStore } from '../../src/sender/index.js';
import { formatWeiboDate } from '../../src/serve/push.js';
import { pushSignature } from '../../src/serve/signature.js';
import { TOKEN } from '../sender/helpers.js';
import { API_TOKEN, BOT, bearer, http, readStore, REPO, serve, tempDir, until, WIKI, writeSecret, type Served } from './helpers.js';

const gate = createGate({ cwd: REPO });
const text = (receiver: string, body: string) => ({ type: 'text', data: { text: body }, receiver_id: receiver });

/** A query string signed with `secret` at `timestamp`. */
function signed(secret: string, timestamp = String(Date.now()), nonce = '4242'): string {
  return new URLSearchParams({ signature: pushSignature(secret, timestamp, nonce), timestamp, nonce }).toString();
}

let n = 0;
/** A fresh user id per test, so windows never leak between tests. */
const user = () => String(3_000_000_000 + ++n);

describe('weibo-guard serve (the real process)', { timeout: 60_000 }, () => {
  let mock: MockServer;
  let s: Served;
  let store: OutboxStore;
  let cleanup: () => void;

  beforeAll(async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    mock = await startMockServer({ token: TOKEN, appSecret: WIKI.secret });
    s = await serve(
      [
        '--endpoint', mock.url,
        '--app-secret-file', writeSecret(t.dir, 'app-secret', WIKI.secret),
        '--api-token-file', writeSecret(t.dir, 'api-token', API_TOKEN),
        '--handler', BOT,
        '--concurrency', '4',
      ],
      { dir: t.dir },
    );
    mock.setPushTo(`${s.url}/weibo/push`);
    store = readStore(s.db);
  });
  afterAll(async () => {
    store?.close();
    const exit = await s?.stop();
    await mock?.close();
    cleanup?.();
    expect(exit?.code).toBe(0);
  });

  const window = (u: string) => store.window('default', u, Date.now(), gate.policy.limits.window);
  const enqueue = (body: unknown, headers: Record<string, string> = {}) => http(`${s.url}/v1/messages`, { body: JSON.stringify(body), headers: { ...bearer(), ...headers } });

  it('prints its base URL as the first stdout line', () => {
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+$/);
  });

  describe('GET /weibo/push (URL verification)', () => {
    it('answers echostr as the whole body for a valid signature', async () => {
      const r = await http(`${s.url}/weibo/push?${signed(WIKI.secret)}&echostr=hello-weibo-123`);
      expect(r.status).toBe(200);
      expect(r.text).toBe('hello-weibo-123');
    });
    it('refuses a wrong signature, a wrong secret and a missing one with 403, and logs it', async () => {
      const ts = String(Date.now());
      const good = new URLSearchParams(signed(WIKI.secret, ts));
      good.set('signature', good.get('signature')!.replace(/^./, (c) => (c === '0' ? '1' : '0')));
      for (const q of [good.toString(), signed('another-secret', ts), `timestamp=${ts}&nonce=1`]) {
        const r = await http(`${s.url}/weibo/push?${q}&echostr=x`);
        expect(r.status).toBe(403);
        expect(r.text).not.toContain('x');
      }
      await until('refusal logged', async () => /"msg":"push request refused"/.test(s.stderr()));
      expect(s.stderr()).toContain('signature does not match');
    });
    it("refuses the wiki's worked example as a replay: valid signature, timestamp from 2014", async () => {
      const r = await http(`${s.url}/weibo/push?signature=${WIKI.signature}&timestamp=${WIKI.timestamp}&nonce=${WIKI.nonce}&echostr=e`);
      expect(r.status).toBe(403);
      await until('replay logged', async () => /timestamp 2014-04-09T05:41:01\.823Z is [0-9]+ s old/.test(s.stderr()));
    });
  });

  describe('POST /weibo/push', () => {
    it('refuses unsigned and wrongly signed pushes (403) and records nothing', async () => {
      const u = user();
      expect((await mock.push({ type: 'text', sender_id: u, text: 'hi' }, { unsigned: true })).status).toBe(403);
      expect((await mock.push({ type: 'text', sender_id: u, text: 'hi' }, { appSecret: 'forged' })).status).toBe(403);
      expect((await mock.push({ type: 'text', sender_id: u, text: 'hi' }, { timestamp: Date.now() - 3_600_000 })).status).toBe(403);
      expect((await window(u)).state).toBe('none');
    });

    it('records every push type and event subtype in the ledger as its window', async () => {
      const opens = ['text', 'position', 'voice', 'image'].map((type) => ({ type, data: type === 'position' ? { longitude: '116.3', latitude: '39.9' } : {} }));
      const events = ['follow', 'subscribe', 'scan', 'scan_follow', 'click'].map((subtype) => ({ type: 'event', data: { subtype, key: 'k1', ticket: 't1' } }));
      for (const p of [...opens, ...events]) {
        const u = user();
        const r = await mock.push({ type: p.type, sender_id: u, text: p.type === 'position' ? '发送了一个位置' : '', data: p.data });
        expect([p, r.status, r.body]).toEqual([p, 200, '']);
        const w = await window(u);
        expect([p, w.state, w.mentionOnly ?? false, w.state === 'open' ? w.remaining : -1]).toEqual([p, 'open', false, gate.policy.limits.window.quota]);
      }
      // A mention opens a window of one reply.
      const m = user();
      expect((await mock.push({ type: 'event', sender_id: m, data: { subtype: 'mention' } })).status).toBe(200);
      expect(await window(m)).toMatchObject({ state: 'open', mentionOnly: true, remaining: gate.policy.limits.window.mentionQuota });
      expect((await enqueue(text(m, 'thanks for the mention'))).status).toBe(202);
      expect((await enqueue(text(m, 'a second reply'))).status).toBe(422);
      // Unfollow and unsubscribe close what was open.
      for (const subtype of ['unfollow', 'unsubscribe']) {
        const u = user();
        await mock.push({ type: 'text', sender_id: u, text: 'hello' });
        expect((await window(u)).state).toBe('open');
        await mock.push({ type: 'event', sender_id: u, data: { subtype }, created_at: formatWeiboDate(Date.now() + 1000) });
        expect([subtype, (await window(u)).state]).toEqual([subtype, 'unfollowed']);
        expect((await enqueue(text(u, 'come back'))).status).toBe(422);
      }
    });

    it('accepts and logs pushes of unknown types and subtypes without recording them', async () => {
      const u = user();
      expect((await mock.push({ type: 'hologram', sender_id: u })).status).toBe(200);
      expect((await mock.push({ type: 'event', sender_id: u, data: { subtype: 'teleport' } })).status).toBe(200);
      expect((await window(u)).state).toBe('none');
      await until('unknown type logged', async () => s.stderr().includes('"type":"hologram"') && s.stderr().includes('"subtype":"teleport"'));
    });

    it('keeps a 19-digit sender id exact (a bare JSON number): the window and the reply are for those digits', async () => {
      const big = '1234567890123456789';
      const rounded = String(Number(big));
      expect(rounded).not.toBe(big);
      const r = await mock.push({ type: 'text', sender_id: big, text: 'ping' });
      expect(r.sent).toContain(`"sender_id":${big},`);
      expect((await window(big)).state).toBe('open');
      expect((await window(rounded)).state).toBe('none');
      const d = await until('the reply to the 19-digit id', async () => mock.deliveries.find((x) => x.receiverId === big));
      expect(JSON.parse(d.data)).toEqual({ text: `pong ${big}` });
    });

    it("de-duplicates Weibo's retries by sender_id + created_at + type: one ledger row, one bot reply", async () => {
      const u = user();
      const first = await mock.push({ type: 'text', sender_id: u, text: 'ping retry' });
      for (let i = 0; i < 2; i++) expect(await mock.pushRaw(first.sent)).toEqual({ status: 200, body: '' });
      await until('the reply', async () => mock.deliveries.some((d) => d.receiverId === u));
      // Another type at the same second from the same user is another push.
      await mock.push({ type: 'image', sender_id: u, created_at: first.createdAt, data: { vfid: '1' } });
      const metrics = (await http(`${s.url}/metrics`)).text;
      expect(Number(/^weibo_guard_push_duplicates_total ([0-9]+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
      const replies = (await store.list({ states: ['queued', 'sending', 'sent'] })).filter((r) => r.receiverId === u);
      expect(replies).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(mock.deliveries.filter((d) => d.receiverId === u)).toHaveLength(1);
    });

    it('refuses a signed push of a known type with a malformed field (400 naming it)', async () => {
      const r = await mock.pushRaw('{"type":"text","receiver_id":1,"sender_id":"12x","created_at":"Mon Jul 16 18:09:20 +0800 2012"}');
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).error).toMatch(/^push sender_id: expected a positive int64 id, got "12x"/);
      const j = await mock.pushRaw('{"type":');
      expect(j.status).toBe(400);
      expect(JSON.parse(j.body).error).toMatch(/^push body is not JSON/);
    });
  });

  describe('the handler', () => {
    it('queues its reply through the gate and the window; the worker delivers it to Weibo', async () => {
      const u = user();
      const r = await mock.push({ type: 'text', sender_id: u, text: 'ping' });
      expect(r).toMatchObject({ status: 200, body: '' });
      const d = await until('delivery', async () => mock.deliveries.find((x) => x.receiverId === u));
      expect(JSON.parse(d.data)).toEqual({ text: `pong ${u}` });
      const rec = await until('recorded as sent', async () => (await store.list({ states: ['sent'] })).find((x) => x.receiverId === u));
      const got = await http(`${s.url}/v1/messages/${rec.id}`, { headers: bearer() });
      expect(got.json()).toMatchObject({ id: rec.id, state: 'sent', receiverId: u });
    });

    it('never sends a reply the gate blocks, and logs it with its findings', async () => {
      const u = user();
      expect((await mock.push({ type: 'text', sender_id: u, text: 'forbidden' })).status).toBe(200);
      await until('blocked reply logged', async () => s.stderr().split('\n').find((l) => l.includes('bot reply blocked') && l.includes(`"receiverId":"${u}"`)));
      const line = s.stderr().split('\n').find((l) => l.includes('bot reply blocked') && l.includes(`"receiverId":"${u}"`))!;
      expect(JSON.parse(line).findings[0]).toMatchObject({ rule: expect.stringMatching(/^link\//), path: 'data.text' });
      expect((await store.list()).filter((x) => x.receiverId === u)).toHaveLength(0);
      expect(mock.deliveries.filter((x) => x.receiverId === u)).toHaveLength(0);
    });

    it('answers passively in the push response when asked and quick: gated, counted, recorded as sent, never sent twice', async () => {
      const u = user();
      const r = await mock.push({ type: 'text', sender_id: u, text: 'passive please' });
      expect(r.status).toBe(200);
      const body = JSON.parse(r.body.replace(/"(sender_id|receiver_id)":([0-9]+)/g, '"$1":"$2"')) as Record<string, string>;
      expect(body).toMatchObject({ result: true, sender_id: '1000000001', receiver_id: u, type: 'text' });
      expect(JSON.parse(decodeURIComponent(body.data!))).toEqual({ text: `passive pong ${u}` });
      const rec = await until('passive reply settled', async () => (await store.list({ states: ['sent'] })).find((x) => x.receiverId === u));
      expect(rec.reason ?? '').not.toContain('not delivered');
      expect(await window(u)).toMatchObject({ remaining: gate.policy.limits.window.quota - 1 });
      await new Promise((res) => setTimeout(res, 300));
      expect(mock.deliveries.filter((x) => x.receiverId === u)).toHaveLength(0);
    });

    it('answers empty at once when the handler is slow, and queues its reply when it comes', async () => {
      const u = user();
      const r = await mock.push({ type: 'text', sender_id: u, text: 'slow' });
      expect(r).toMatchObject({ status: 200, body: '' });
      const d = await until('the late reply', async () => mock.deliveries.find((x) => x.receiverId === u));
      expect(JSON.parse(d.data)).toEqual({ text: 'slow pong' });
    });
  });

  describe('/v1/messages', () => {
    it('202 {id} inside the window, 422 with the verdict outside it; GET shows state and reason', async () => {
      const u = user();
      const outside = await enqueue(text(u, 'hello'));
      expect(outside.status).toBe(422);
      expect(outside.json()).toMatchObject({ status: 'blocked', verdict: { allowed: false, findings: [{ rule: expect.stringMatching(/^window\//) }] } });
      await mock.push({ type: 'event', sender_id: u, data: { subtype: 'follow' } });
      const inside = await enqueue(text(u, 'welcome'));
      expect(inside.status).toBe(202);
      const { id } = inside.json() as { id: string };
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const sent = await until('sent', async () => {
        const r = (await http(`${s.url}/v1/messages/${id}`, { headers: bearer() })).json() as { state: string };
        return r.state === 'sent' && r;
      });
      expect(sent).toMatchObject({ id, state: 'sent', receiverId: u, type: 'text' });
      expect((await http(`${s.url}/v1/messages/no-such-id`, { headers: bearer() })).status).toBe(404);
    });

    it('an Idempotency-Key makes a retried request queue one message; the same key for another message is 409', async () => {
      const u = user();
      await mock.push({ type: 'text', sender_id: u, text: 'hi' });
      const key = { 'idempotency-key': `order-${u}` };
      const a = await enqueue(text(u, 'your order shipped'), key);
      const b = await enqueue(text(u, 'your order shipped'), key);
      expect([a.status, b.status]).toEqual([202, 202]);
      expect((b.json() as { id: string }).id).toBe((a.json() as { id: string }).id);
      expect(b.json()).toMatchObject({ duplicate: true });
      expect((await store.list()).filter((x) => x.receiverId === u)).toHaveLength(1);
      const c = await enqueue(text(u, 'something else'), key);
      expect(c.status).toBe(409);
      await until('one delivery', async () => mock.deliveries.some((d) => d.receiverId === u));
      await new Promise((r) => setTimeout(r, 200));
      expect(mock.deliveries.filter((d) => d.receiverId === u)).toHaveLength(1);
    });

    it('400 for a body that is not one message', async () => {
      expect((await http(`${s.url}/v1/messages`, { body: '[', headers: bearer() })).status).toBe(400);
      const arr = await http(`${s.url}/v1/messages`, { body: '[]', headers: bearer() });
      expect([arr.status, (arr.json() as { error: string }).error]).toEqual([400, expect.stringContaining('one message')]);
    });
  });

  describe('/v1/check', () => {
    const messages = [
      text('123', 'hello'),
      text('123', 'visit https://totally-not-whitelisted.example/x'),
      { type: 'articles', data: { articles: [{ title: 't', display_name: 'd', summary: 's', image: 'https://example.com/i.png', url: 'https://weibo.com/x' }] }, receiver_id: '5' },
      { type: 'text', data: { text: 42 }, receiver_id: '1' },
    ];

    it('a single message → exactly what gate.check returns', async () => {
      for (const m of messages) {
        const r = await http(`${s.url}/v1/check`, { body: JSON.stringify(m), headers: bearer() });
        expect(r.status).toBe(200);
        expect(r.json()).toEqual(JSON.parse(JSON.stringify(gate.check(m))));
      }
    });

    it('{message, context} and a batch → the verdicts gate.check returns, in order', async () => {
      const context = { window: { state: 'expired' as const } };
      const r = await http(`${s.url}/v1/check`, { body: JSON.stringify({ message: messages[0], context }), headers: bearer() });
      expect(r.json()).toEqual(JSON.parse(JSON.stringify(gate.check(messages[0], context))));
      expect((r.json() as { allowed: boolean }).allowed).toBe(false);
      const batch = [...messages, { message: messages[0], context }];
      const b = await http(`${s.url}/v1/check`, { body: JSON.stringify(batch), headers: bearer() });
      expect(b.json()).toEqual(JSON.parse(JSON.stringify([...messages.map((m) => gate.check(m)), gate.check(messages[0], context)])));
    });

    it('400 with a clear error for malformed input', async () => {
      const bad = async (body: string) => {
        const r = await http(`${s.url}/v1/check`, { body, headers: bearer() });
        expect(r.status).toBe(400);
        return (r.json() as { error: string }).error;
      };
      expect(await bad('{"type": "text",')).toMatch(/^request body is not JSON: /);
      expect(await bad('')).toMatch(/^request body is empty/);
      expect(await bad(JSON.stringify([messages[0], { message: messages[0], context: { window: { state: 'sideways' } } }]))).toMatch(/^\[1\]: /);
      expect(await bad(JSON.stringify({ message: messages[0], extra: 1 }))).toBe('body: unknown field extra (expected message, context)');
    });

    it('refuses a body over its limit with 413 before reading it', async () => {
      for (const [path, size] of [['/v1/check', 5 * 1024 * 1024], ['/v1/messages', 300 * 1024], ['/weibo/push', 100 * 1024]] as const) {
        const status = await new Promise<number | undefined>((resolve, reject) => {
          const req = request(`${s.url}${path}`, { method: 'POST', headers: { ...bearer(), 'content-length': String(size) } }, (res) => {
            res.resume();
            resolve(res.statusCode);
            req.destroy();
          });
          req.on('error', reject);
          // Only the headers are sent: the answer comes without the body being read.
          req.flushHeaders();
        });
        expect([path, status]).toEqual([path, 413]);
      }
    });
  });

  describe('auth', () => {
    it('/v1/* needs the Bearer token (401); health, readiness and metrics do not', async () => {
      const m = JSON.stringify(text('1', 'hi'));
      expect((await http(`${s.url}/v1/check`, { body: m })).status).toBe(401);
      expect((await http(`${s.url}/v1/check`, { body: m, headers: bearer('wrong-token') })).status).toBe(401);
      expect((await http(`${s.url}/v1/check`, { body: m, headers: { authorization: API_TOKEN } })).status).toBe(401);
      const no = await http(`${s.url}/v1/messages/x`);
      expect([no.status, no.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="weibo-guard"']);
      expect((await http(`${s.url}/v1/check`, { body: m, headers: bearer() })).status).toBe(200);
      expect((await http(`${s.url}/healthz`)).json()).toEqual({ status: 'ok' });
    });
  });

  it('/readyz reports policy, store and worker ready', async () => {
    const r = await http(`${s.url}/readyz`);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ ready: true, policy: { ok: true }, store: { ok: true }, worker: { ok: true, state: 'running' } });
  });

  it('/metrics has every family the issue lists, in Prometheus text format', async () => {
    await http(`${s.url}/v1/check`, { body: JSON.stringify(text('1', 'visit https://totally-not-whitelisted.example/x')), headers: bearer() });
    const r = await http(`${s.url}/metrics`);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const family of [
      'weibo_guard_checks_total',
      'weibo_guard_check_findings_total',
      'weibo_guard_pushes_total',
      'weibo_guard_push_duplicates_total',
      'weibo_guard_messages',
      'weibo_guard_sends_total',
      'weibo_guard_outbox_depth',
      'weibo_guard_oldest_queued_age_seconds',
      'weibo_guard_http_request_duration_seconds',
    ]) {
      expect(r.text).toMatch(new RegExp(`^# TYPE ${family} `, 'm'));
    }
    expect(r.text).toMatch(/^weibo_guard_checks_total\{verdict="blocked",source="check"\} [1-9]/m);
    expect(r.text).toMatch(/^weibo_guard_check_findings_total\{rule="link\/[a-z-]+",severity="error"\} [1-9]/m);
    expect(r.text).toMatch(/^weibo_guard_pushes_total\{type="event\/scan_follow"\} 1$/m);
    expect(r.text).toMatch(/^weibo_guard_pushes_total\{type="unknown"\} [1-9]/m);
    expect(r.text).toMatch(/^weibo_guard_messages\{state="sent"\} [1-9]/m);
    expect(r.text).toMatch(/^weibo_guard_sends_total\{outcome="sent"\} [1-9]/m);
    expect(r.text).toMatch(/^weibo_guard_http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/v1\/check",status="200"\} [1-9]/m);
  });

  it('never logs the access token, the App Secret or the API token', () => {
    const log = s.stderr();
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [TOKEN, WIKI.secret, API_TOKEN]) expect(log).not.toContain(secret);
    for (const line of log.trim().split('\n').filter((l) => l.startsWith('{'))) expect(() => JSON.parse(line)).not.toThrow();
  });
});

it("the library's signature is the wiki's worked example", () => {
  expect(pushSignature(WIKI.secret, WIKI.timestamp, WIKI.nonce)).toBe(WIKI.signature);
  expect(createHash('sha1').update('139702206182357155157xyz123xyz').digest('hex')).toBe(WIKI.signature);
});
