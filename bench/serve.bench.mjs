// `weibo-guard serve`: /v1/check requests per second with 32 connections on loopback,
// against a bare node:http server answering a fixed body (the same verdict's bytes) to
// the same client (autocannon) in the same run; then the latency of signed pushes
// (each recorded durably in the ledger) while /v1/check is under that load.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createGate } from '../dist/gate.js';
import { alternate, fmt, machine, median, row, table } from './lib.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const CONNECTIONS = 32;
const SECONDS = 4;
const ROUNDS = 3;
const SECRET = 'bench-app-secret';
const message = { type: 'text', data: { text: '您好，活动详情见 https://weibo.com/n/weibo-guard 和 https://www.people.com.cn/ ，回复 TD 退订' }, receiver_id: '6000000000000000001' };
const body = JSON.stringify(message);
const verdict = JSON.stringify(createGate({ cwd: repo }).check(message));

/** A child that prints its URL as the first stdout line; logs go nowhere (the bench must not be slowed by a full pipe). */
function start(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...env } });
    child.stdout.once('data', (d) => resolve({ url: d.toString().split('\n')[0].trim(), stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

const BARE = `
const http = require('node:http');
const body = Buffer.from(process.env.BODY);
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body));
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
`;

const rps = async (url) => {
  const r = await autocannon({ url: `${url}/v1/check`, connections: CONNECTIONS, duration: SECONDS, method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return r.requests.average;
};

export default async function () {
  const dir = mkdtempSync(join(tmpdir(), 'wg-bench-serve-'));
  const secretFile = join(dir, 'app-secret');
  writeFileSync(secretFile, SECRET);
  const serve = await start([join(repo, 'dist/cli/main.js'), 'serve', '--port', '0', '--store', join(dir, 'outbox.db'), '--app-secret-file', secretFile], { WEIBO_GUARD_TOKEN: 'unused-token-123' });
  const bare = await start(['-e', BARE], { BODY: verdict });
  try {
    // Warm both (JIT, connection pools) before anything counts.
    await autocannon({ url: `${serve.url}/v1/check`, connections: CONNECTIONS, amount: 2000, method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await autocannon({ url: `${bare.url}/v1/check`, connections: CONNECTIONS, amount: 2000, method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const samples = await alternate({ serve: () => rps(serve.url), bare: () => rps(bare.url) }, ROUNDS);
    const s = median(samples.serve);
    const b = median(samples.bare);

    // Pushes, each a new user (so none is a retry), 4 connections, while 32 hammer /v1/check.
    const timestamp = String(Date.now());
    const nonce = '12345';
    const signature = createHash('sha1').update([SECRET, timestamp, nonce].sort().join('')).digest('hex');
    let n = 0;
    const pushes = autocannon({
      url: serve.url,
      connections: 4,
      duration: SECONDS + 1,
      requests: [
        {
          method: 'POST',
          path: `/weibo/push?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`,
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({
            ...req,
            body: `{"type":"text","receiver_id":1000000001,"sender_id":${7_000_000_000_000_000_000n + BigInt(++n)},"created_at":"Tue Dec 01 22:00:00 +0800 2026","text":"你好","data":{}}`,
          }),
        },
      ],
    });
    const load = autocannon({ url: `${serve.url}/v1/check`, connections: CONNECTIONS, duration: SECONDS + 1, method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const [p, l] = await Promise.all([pushes, load]);
    if (p.non2xx > 0 || p.errors > 0) throw new Error(`pushes: ${p.non2xx} non-2xx answers, ${p.errors} errors`);

    console.log(`${machine()}; ${CONNECTIONS} connections, ${SECONDS} s per round, ${ROUNDS} rounds alternated, medians.\n`);
    return table([
      row(`POST /v1/check, req/s (rounds ${samples.serve.map((x) => fmt(x)).join(', ')})`, fmt(s), `bare node:http, fixed body: ${fmt(b)} (${samples.bare.map((x) => fmt(x)).join(', ')})`, fmt(s / b), '≥ 0.3', s / b >= 0.3),
      row(`POST /weibo/push p99 latency, ms (4 connections, ${p.requests.total} pushes recorded durably, under /v1/check load of ${fmt(l.requests.average)} req/s)`, fmt(p.latency.p99), `p50 ${fmt(p.latency.p50)} ms, max ${fmt(p.latency.max)} ms`, '—', '< 100 ms', p.latency.p99 < 100),
    ]);
  } finally {
    await serve.stop();
    await bare.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
