import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliSuite, runCli, TOKEN, type CliRun } from './helpers.js';

const BIG = '9223372036854775807';

const suite = cliSuite();
/** Every byte any command printed, checked for the token at the end. */
const transcript: string[] = [];

function run(args: string[], o: { stdin?: string; env?: Record<string, string>; until?: (out: string) => boolean } = {}): Promise<CliRun & { kill: () => void }> {
  return runCli(args, { ...o, cwd: suite.dir, stdin: o.stdin ?? '', guardMs: 20_000, onExit: (r) => transcript.push(r.stdout, r.stderr) });
}

const write = (name: string, text: string) => writeFileSync(join(suite.dir, name), text);

describe('weibo-guard inbound / send / outbox', { timeout: 90_000 }, () => {
  it('records inbound events, de-duplicates re-pushes, names bad lines', async () => {
    const at = new Date().toISOString();
    suite.mock.inbound({ from: BIG, kind: 'message', at });
    suite.mock.inbound({ from: '1001', kind: 'mention', at });
    write(
      'events.jsonl',
      [
        { from: BIG, kind: 'message', at, eventId: 'e1' },
        { from: BIG, kind: 'message', at, eventId: 'e1' },
        { from: '1001', kind: 'mention', at },
        { from: '1002', kind: 'poke', at },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    const r = await run(['inbound', 'events.jsonl']);
    expect(r.stdout).toBe('recorded 2, duplicates 1, invalid 1\n');
    expect(r.stderr).toMatch(/^weibo-guard: events\.jsonl:4: inbound event: kind: /);
    expect(r.code).toBe(2);
  });

  it('send and inbound refuse input that is not UTF-8, naming line and byte, instead of sending U+FFFD', async () => {
    const ok = JSON.stringify({ type: 'text', data: { text: 'hi' }, receiver_id: '1' });
    writeFileSync(join(suite.dir, 'latin1.jsonl'), Buffer.concat([Buffer.from(`${ok}\n{"type":"text","data":{"text":"caf`), Buffer.from([0xe9]), Buffer.from('"},"receiver_id":"1"}\n')]));
    const s = await run(['send', 'latin1.jsonl', '--dry-run']);
    expect(s.code).toBe(2);
    expect(s.stdout).toBe('');
    expect(s.stderr).toContain(`latin1.jsonl:2: not valid UTF-8 at byte ${ok.length + 1 + 34}`);
    const i = await run(['inbound', 'latin1.jsonl']);
    expect(i.code).toBe(2);
    expect(i.stderr).toContain('latin1.jsonl:2: not valid UTF-8');
  });

  it('send --account NAME still works, with a one-line warning to use --account-name', async () => {
    write('one.jsonl', `${JSON.stringify({ type: 'text', data: { text: 'hi' }, receiver_id: '3003' })}\n`);
    const old = await run(['send', 'one.jsonl', '--dry-run', '--account', 'shop']);
    expect(old.stderr).toBe('weibo-guard: --account NAME is deprecated here, use --account-name NAME (check --account is the account kind, enterprise or personal)\n');
    const now = await run(['send', 'one.jsonl', '--dry-run', '--account-name', 'shop']);
    expect(now.stderr).toBe('');
    expect(now.stdout).toBe(old.stdout);
    expect(now.code).toBe(old.code);
    const both = await run(['send', 'one.jsonl', '--dry-run', '--account', 'a', '--account-name', 'b']);
    expect(both.code).toBe(2);
  });

  it('send --dry-run judges and shows what would be sent, touching neither network nor outbox', async () => {
    write(
      'batch.jsonl',
      `${JSON.stringify({ key: 'k1', message: { type: 'text', data: { text: '您好，已收到' }, receiver_id: BIG } })}\n` +
        `{"type":"text","data":{"text":"hi"},"receiver_id":${BIG}}\n` +
        `${JSON.stringify({ type: 'text', data: { text: 'no window' }, receiver_id: '2002' })}\n` +
        `{"type":"text",\n`,
    );
    const requests = suite.mock.stats.requests;
    const r = await run(['send', 'batch.jsonl', '--dry-run', '--endpoint', suite.mock.url]);
    expect(r.stdout).toContain(`would send\tbatch.jsonl:1\treceiver_id=${BIG}\ttype=text\tdata={"text":"您好，已收到"}`);
    expect(r.stdout).toContain(`would send\tbatch.jsonl:2\treceiver_id=${BIG}`);
    expect(r.stdout).toContain('blocked\tbatch.jsonl:3\twindow/expired at receiver_id');
    expect(r.stdout).toContain('blocked\tbatch.jsonl:4\tinput/invalid-json');
    expect(r.stdout).toContain('would send 2, blocked 2\n');
    expect(r.code).toBe(1);
    expect(suite.mock.stats.requests).toBe(requests);
    const zh = await run(['send', 'batch.jsonl', '--dry-run', '--lang', 'zh']);
    expect(zh.stdout).toContain('blocked\tbatch.jsonl:3\twindow/expired at receiver_id: 没有打开的会话窗口');
    expect(zh.stdout).toContain('blocked\tbatch.jsonl:4\tinput/invalid-json: 不是有效的 JSON\n');
    const list = await run(['outbox', 'list', '--state', 'all', '--json']);
    expect(list.stdout).toBe('');
  });

  it('send enqueues and drains, prints the summary; a re-run stores nothing twice', async () => {
    const before = suite.mock.deliveries.length;
    const r = await run(['send', 'batch.jsonl', '--endpoint', suite.mock.url]);
    expect(r.stdout).toMatch(/sent 2, failed 0, blocked 2, queued 0\n$/);
    expect(r.code).toBe(1);
    expect(suite.mock.deliveries.slice(before).map((d) => d.receiverId)).toEqual([BIG, BIG]);
    // Line 1 has a key: sending the file again stores it no more; line 2 has none.
    const again = await run(['send', 'batch.jsonl', '--endpoint', suite.mock.url, '--json']);
    const summary = JSON.parse(again.stdout) as { sent: number; blocked: number };
    expect(summary).toMatchObject({ sent: 1, blocked: 2 });
  });

  it('reads stdin with -, and reports a Weibo refusal as failed with the reason', async () => {
    const r = await run(['send', '-', '--endpoint', suite.mock.url], { stdin: JSON.stringify({ type: 'text', data: { text: 'thanks' }, receiver_id: '1001' }) });
    expect(r.stdout).toBe('sent 1, failed 0, blocked 0, queued 0\n');
    const twice = await run(['send', '-', '--endpoint', suite.mock.url], { stdin: JSON.stringify({ type: 'text', data: { text: 'again' }, receiver_id: '1001' }) });
    expect(twice.stdout).toContain('blocked\tstdin:1\twindow/mention-once');
  });

  it('outbox list, drop and retry', async () => {
    // A receiver our ledger knows but Weibo (the mock) does not: Weibo refuses, 20302.
    write('ev2.jsonl', JSON.stringify({ from: '3003', kind: 'follow', at: Date.now() }));
    await run(['inbound', 'ev2.jsonl']);
    write('m2.jsonl', ['a', 'b'].map((t) => JSON.stringify({ type: 'text', data: { text: t }, receiver_id: '3003' })).join('\n'));
    const sent = await run(['send', 'm2.jsonl', '--endpoint', suite.mock.url]);
    expect(sent.stdout).toMatch(/failed\t\S+\tWeibo error 20302/);
    const list = await run(['outbox', 'list', '--state', 'failed', '--json']);
    const failed = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; receiverId: string; state: string });
    expect(failed.map((m) => [m.receiverId, m.state])).toEqual([
      ['3003', 'failed'],
      ['3003', 'failed'],
    ]);
    const drop = await run(['outbox', 'drop', failed[0]!.id, '--reason', 'not needed']);
    expect(drop.stdout).toBe(`dropped\t${failed[0]!.id}\n`);
    suite.mock.inbound({ from: '3003', kind: 'follow', at: Date.now() });
    const retry = await run(['outbox', 'retry', '--failed']);
    expect(retry.stdout).toBe(`queued\t${failed[1]!.id}\n`);
    const drain = await run(['send', '-', '--endpoint', suite.mock.url]);
    expect(drain.stdout).toBe('sent 1, failed 0, blocked 0, queued 0\n');
    const human = await run(['outbox', 'list', '--state', 'dropped']);
    expect(human.stdout).toContain(`${failed[0]!.id}\tdropped\tdefault\treceiver 3003`);
    expect(human.stdout).toContain('not needed');
    const bad = await run(['outbox', 'drop', 'no-such-id']);
    expect(bad.stderr).toBe('weibo-guard: outbox has no message no-such-id\n');
    expect(bad.code).toBe(1);
  });

  it('an expired token stops the account loudly and keeps the messages queued', async () => {
    write('ev3.jsonl', JSON.stringify({ from: '4004', kind: 'message', at: Date.now() }));
    suite.mock.inbound({ from: '4004', kind: 'message', at: Date.now() });
    await run(['inbound', 'ev3.jsonl']);
    suite.mock.setFaults({ expiredToken: true });
    try {
      const r = await run(['send', '-', '--endpoint', suite.mock.url], { stdin: JSON.stringify({ type: 'text', data: { text: 'x' }, receiver_id: '4004' }) });
      expect(r.stderr).toMatch(/ACCOUNT default STOPPED — Weibo error 21327 \(expired_token\).*1 message\(s\) stay queued/);
      expect(r.stdout).toMatch(/sent 0, failed 0, blocked 0, queued 1\n$/);
      expect(r.code).toBe(1);
    } finally {
      suite.mock.setFaults({});
    }
    const resumed = await run(['send', '-', '--endpoint', suite.mock.url]);
    expect(resumed.stdout).toBe('sent 1, failed 0, blocked 0, queued 0\n');
  });

  it('refuses bad flags and inputs with a clear message and exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['send', 'missing.jsonl'], /cannot read missing\.jsonl: ENOENT/],
      [['send', 'batch.jsonl', '--endpoint', 'http://api.example.com/x'], /endpoint http:\/\/api\.example\.com refused/],
      [['send', 'batch.jsonl', '--concurrency', 'many'], /--concurrency must be an integer >= 1, got "many"/],
      [['send', 'batch.jsonl', '--on-unknown', 'maybe'], /--on-unknown must be resend or hold/],
      [['send', 'batch.jsonl', '--max-resends', 'two'], /--max-resends must be an integer >= 0, got "two"/],
      [['send', 'batch.jsonl', '--connect-timeout', '0'], /--connect-timeout must be an integer >= 1, got "0"/],
      [['send', 'batch.jsonl', '--lease', '1000', '--lease-renew', '1000'], /--lease-renew \(1000 ms\) must be shorter than --lease \(1000 ms\)/],
      [['outbox', 'list', '--state', 'lost'], /--state: unknown state "lost"/],
      [['send', 'batch.jsonl', '--token-file', 'nope.txt'], /cannot read token file nope\.txt: ENOENT/],
      [['send', 'batch.jsonl', '--lang', 'fr'], /--lang must be en or zh, got "fr"/],
      [['outbox', 'list', '--store', 'batch.jsonl'], /cannot open outbox .*batch\.jsonl: not a weibo-guard outbox: it is not a SQLite database \(file is not a database\); move it away or pass another --store/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it('keeps the token out of the outbox file and every output', () => {
    expect(transcript.length).toBeGreaterThan(20);
    for (const out of transcript) expect(out).not.toContain(TOKEN);
    const files = readdirSync(join(suite.dir, '.weibo-guard')).map((f) => readFileSync(join(suite.dir, '.weibo-guard', f)).toString('latin1'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f).not.toContain(TOKEN);
  });
});

describe('weibo-guard mock-server', { timeout: 60_000 }, () => {
  it('serves the reply API on loopback, logs deliveries as JSONL, injects faults by flag', async () => {
    const log = join(suite.dir, 'deliveries.jsonl');
    const server = await run(['mock-server', '--port', '0', '--log', log, '--open-windows', '--fail-5xx', '1'], { until: (out) => out.includes('\n') });
    try {
      const url = server.stdout.trim();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/2\/messages\/reply\/biz\.json$/);
      const post = (token: string) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ access_token: token, type: 'text', data: '{"text":"hi"}', receiver_id: BIG }).toString() });
      expect((await post(TOKEN)).status).toBe(503);
      const admin = url.replace('/2/messages/reply/biz.json', '/__mock/faults');
      expect((await fetch(admin, { method: 'POST', body: '{}' })).status).toBe(200);
      const ok = await post(TOKEN);
      expect(await ok.json()).toEqual({ result: true, sender_id: '1000000001', receiver_id: BIG, type: 'text', data: encodeURIComponent('{"text":"hi"}') });
      const bad = await post('wrong');
      expect(bad.status).toBe(401);
      expect(await bad.json()).toMatchObject({ error_code: 21301 });
      expect(readFileSync(log, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { receiverId: string }).receiverId)).toEqual([BIG]);
    } finally {
      server.kill();
    }
  });

  it('needs a token and valid flags', async () => {
    const r = await run(['mock-server', '--fail-5xx', '2'], { env: { WEIBO_GUARD_TOKEN: '' } });
    expect(r.stderr).toMatch(/mock-server needs the token/);
    const s = await run(['mock-server', '--token', 't', '--fail-5xx', '2']);
    expect(s.stderr).toMatch(/--fail-5xx "2": /);
    expect(s.code).toBe(2);
  });
});
