import { spawn } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore, startMockServer, type MockServer } from '../../src/sender/index.js';
import { TOKEN } from '../sender/helpers.js';
import { API_TOKEN, bearer, http, readStore, REPO, serve, tempDir, until, WIKI, writeSecret, type Served } from './helpers.js';

const text = (receiver: string, body: string) => ({ type: 'text', data: { text: body }, receiver_id: receiver });

const undo: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const u of undo.splice(0).reverse()) await u();
});
function dir(): string {
  const t = tempDir();
  undo.push(t.cleanup);
  return t.dir;
}
function track(s: Served): Served {
  undo.push(async () => {
    if (s.child.exitCode === null && s.child.signalCode === null) await s.stop('SIGKILL');
  });
  return s;
}
async function mockServer(o: Parameters<typeof startMockServer>[0]): Promise<MockServer> {
  const m = await startMockServer(o);
  undo.push(() => m.close());
  return m;
}

describe('serve: start, readiness and stop (the real process)', { timeout: 60_000 }, () => {
  it("answers the wiki's worked example when its timestamp is inside --push-max-skew; loopback without an API token leaves /v1 open", async () => {
    const d = dir();
    const s = track(await serve(['--push-max-skew', '400000000000000'], { dir: d, env: { WEIBO_GUARD_APP_SECRET: WIKI.secret } }));
    const r = await http(`${s.url}/weibo/push?signature=${WIKI.signature}&timestamp=${WIKI.timestamp}&nonce=${WIKI.nonce}&echostr=wiki-echo`);
    expect([r.status, r.text]).toEqual([200, 'wiki-echo']);
    const wrong = await http(`${s.url}/weibo/push?signature=${WIKI.signature}&timestamp=${WIKI.timestamp}&nonce=57155158&echostr=wiki-echo`);
    expect(wrong.status).toBe(403);
    expect((await http(`${s.url}/v1/check`, { body: JSON.stringify(text('1', 'hi')) })).status).toBe(200);

    // `mock-server --push-to URL --app-secret-file F` plays Weibo against it.
    const secret = writeSecret(d, 'app-secret', WIKI.secret);
    const child = spawn(process.execPath, [join(REPO, 'dist/cli/main.js'), 'mock-server', '--token', TOKEN, '--push-to', `${s.url}/weibo/push`, '--app-secret-file', secret], { cwd: d });
    undo.push(() => void child.kill('SIGKILL'));
    child.stdout.setEncoding('utf8');
    const mockUrl = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.on('data', (c: string) => {
        out += c;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
    });
    const admin = new URL('/__mock/push', mockUrl).href;
    const pushed = await http(admin, { body: JSON.stringify({ type: 'event', sender_id: '7788990011223344556', data: { subtype: 'follow' } }) });
    expect(pushed.json()).toMatchObject({ status: 200, body: '' });
    expect((await http(`${s.url}/v1/messages`, { body: JSON.stringify(text('7788990011223344556', 'welcome')) })).status).toBe(202);
    expect((await s.stop()).code).toBe(0);
  });

  it('refuses to serve on a non-loopback address without an API token (exit 2, says why)', async () => {
    const d = dir();
    const err = await serve(['--host', '0.0.0.0'], { dir: d }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toMatch(/refusing to serve on 0\.0\.0\.0 without an API token/);
  });

  it('is alive but not ready while the store cannot be written, and says why', async () => {
    const d = dir();
    chmodSync(d, 0o777);
    const db = join(d, 'outbox.db');
    createSqliteStore({ path: db }).close();
    chmodSync(db, 0o444);
    const asRoot = process.getuid?.() === 0;
    const s = track(await serve([], { dir: d, env: { WEIBO_GUARD_APP_SECRET: WIKI.secret }, ...(asRoot ? { uid: 65534 } : {}) }));
    expect((await http(`${s.url}/healthz`)).status).toBe(200);
    const r = await until('not ready', async () => {
      const x = await http(`${s.url}/readyz`);
      return x.status === 503 && (x.json() as { store: { ok: boolean }; worker: { state: string } });
    });
    expect(r).toMatchObject({ ready: false, policy: { ok: true }, store: { ok: false, error: expect.stringMatching(/read-only/) }, worker: { ok: false, state: 'restarting' } });
    // A push that cannot be recorded is answered 503, so Weibo tries it again later.
    const mock = await mockServer({ token: TOKEN, appSecret: WIKI.secret, pushTo: `${s.url}/weibo/push` });
    expect((await mock.push({ type: 'text', sender_id: '42', text: 'hi' })).status).toBe(503);
    expect((await s.stop()).code).toBe(0);
  });

  it('SIGTERM during a drain: in-flight sends finish, exit 0, nothing lost or sent twice; a restart sends the rest', async () => {
    const d = dir();
    const mock = await mockServer({ token: TOKEN, appSecret: WIKI.secret, faults: { slowMs: 150 } });
    const args = ['--endpoint', mock.url, '--app-secret-file', writeSecret(d, 'app-secret', WIKI.secret), '--api-token-file', writeSecret(d, 'api', API_TOKEN), '--concurrency', '3'];
    const s1 = track(await serve(args, { dir: d }));
    mock.setPushTo(`${s1.url}/weibo/push`);
    const users = Array.from({ length: 6 }, (_, i) => String(5_000_000_000 + i));
    for (const u of users) expect((await mock.push({ type: 'text', sender_id: u, text: 'hi' })).status).toBe(200);
    const texts: string[] = [];
    for (let k = 0; k < 4; k++) {
      for (const u of users) {
        const t = `reply ${k} to ${u}`;
        texts.push(t);
        expect((await http(`${s1.url}/v1/messages`, { body: JSON.stringify(text(u, t)), headers: bearer() })).status).toBe(202);
      }
    }
    await until('a first delivery', async () => mock.deliveries.length >= 2);
    const exit = await s1.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(s1.stderr()).toContain('"clean":true');

    const store = readStore(s1.db);
    const rows = await store.list();
    store.close();
    expect(rows).toHaveLength(texts.length);
    expect(rows.filter((r) => r.state === 'sending')).toEqual([]);
    const sent = rows.filter((r) => r.state === 'sent');
    expect(sent.length).toBeLessThan(texts.length);
    // Each request that reached Weibo before the stop was answered and recorded as sent.
    expect(mock.deliveries.map((x) => x.data).sort()).toEqual(sent.map((r) => r.data).sort());
    expect(rows.filter((r) => r.state !== 'sent').every((r) => r.state === 'queued')).toBe(true);

    const s2 = track(await serve(args, { dir: d }));
    await until('every message delivered', async () => mock.deliveries.length >= texts.length, 20_000);
    expect((await s2.stop()).code).toBe(0);
    const delivered = mock.deliveries.map((x) => (JSON.parse(x.data) as { text: string }).text);
    expect(delivered.sort()).toEqual([...texts].sort());
  });
});
