// Messages per second through enqueue → SQLite outbox → worker → mock Weibo on
// loopback, against a bare fetch loop posting the same requests to the same mock in
// the same run. The mock runs in its own process (as Weibo would), so the sender's
// synchronous disk syncs do not stall the server. WG_BENCH_BASELINE=name=dir[,…] adds
// the default durable path of other builds (checkouts built in their own directories),
// measured in the same alternating rounds.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createSender } from '../dist/sender/index.js';
import { createGate } from '../dist/gate.js';
import { alternate, machine, median, otherBuilds, table } from './lib.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bench-token-0123456789';
const N = 3000;
const RECEIVERS = 50;
/** More rounds narrow a comparison between builds on a loaded machine. */
const ROUNDS = Number(process.env.WG_BENCH_ROUNDS ?? 3);

function startMock(extra = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repo, 'dist/cli/main.js'), 'mock-server', '--open-windows', '--token', TOKEN, ...extra], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', (d) => resolve({ url: d.toString().trim(), stop: () => child.kill('SIGTERM') }));
    child.once('error', reject);
  });
}

const message = (i, tag) => ({ type: 'text', data: { text: `${tag} 回复 #${i}` }, receiver_id: String(6_000_000_000_000_000_000n + BigInt(i % RECEIVERS)) });

/** One reply posted as the sender posts it: what both bare loops repeat. */
async function post(url, m) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({ access_token: TOKEN, type: m.type, data: JSON.stringify(m.data), receiver_id: m.receiver_id, save_sender_box: '1' }).toString(),
  });
  if (res.status !== 200) throw new Error(`bare loop: HTTP ${res.status}`);
  await res.text();
}

async function bare(url) {
  const t = performance.now();
  for (let i = 0; i < N; i++) await post(url, message(i, 'bare'));
  return (N / (performance.now() - t)) * 1000;
}

/** The same requests, `width` in flight at once: what concurrency alone buys, without durability. */
async function bareConcurrent(url, width) {
  const t = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < N) await post(url, message(next++, 'barec'));
  };
  await Promise.all(Array.from({ length: width }, lane));
  return (N / (performance.now() - t)) * 1000;
}

/**
 * PostgreSQL: the cluster in WG_BENCH_PG_URL or WG_TEST_PG_URL (scripts/pg-cluster.sh
 * start). Each run gets an empty schema of its own, chosen by the URL's search_path.
 */
const PG_URL = process.env.WG_BENCH_PG_URL || process.env.WG_TEST_PG_URL;
async function pgSchema() {
  const { default: pg } = await import('pg');
  const name = `wg_bench_${Math.random().toString(36).slice(2, 10)}`;
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE SCHEMA ${name}`);
  const u = new URL(PG_URL);
  u.searchParams.set('options', `-c search_path=${name}`);
  return { url: u.toString(), drop: () => admin(`DROP SCHEMA ${name} CASCADE`) };
}

/** CPU time (µs per message) of this process's durable runs, by config: wall time on a shared disk says little about code. */
const cpu = new Map();

async function durable(url, gate, synchronous, concurrency, build = { createSender }, tag = `${synchronous}/${concurrency}`, pg = false) {
  const dir = mkdtempSync(join(tmpdir(), 'wg-bench-'));
  const schema = pg ? await pgSchema() : null;
  const sender = build.createSender({ gate, store: schema ? schema.url : { path: join(dir, 'outbox.db'), synchronous }, endpoint: url, token: TOKEN, concurrency, onEvent: () => {} });
  try {
    const at = Date.now();
    for (let r = 0; r < RECEIVERS; r++) await sender.recordInbound({ from: message(r, '').receiver_id, kind: 'message', at });
    const t = performance.now();
    const c0 = process.cpuUsage();
    // As the CLI does: batches of concurrent enqueues (group commit), then drain.
    for (let s = 0; s < N; s += 256) {
      const batch = Array.from({ length: Math.min(256, N - s) }, (_, j) => sender.enqueue(message(s + j, synchronous)));
      for (const r of await Promise.all(batch)) if (r.status !== 'queued') throw new Error(`blocked: ${JSON.stringify(r.verdict.findings)}`);
    }
    const report = await sender.drain();
    const rate = (N / (performance.now() - t)) * 1000;
    const used = process.cpuUsage(c0);
    cpu.set(tag, [...(cpu.get(tag) ?? []), (used.user + used.system) / N]);
    if (report.sent !== N) throw new Error(`sent ${report.sent} of ${N}`);
    return rate;
  } finally {
    sender.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const DRAIN_N = 1200;
const DRAIN_RECEIVERS = 40;

/**
 * Latency-bound: DRAIN_N messages to DRAIN_RECEIVERS receivers already queued in one
 * PostgreSQL outbox, drained by `workers` senders at once (each its own pool and lease,
 * concurrency 8) against a mock answering in 50 ms. Returns the drain's milliseconds.
 */
async function pgDrain(url, gate, workers) {
  const schema = await pgSchema();
  const make = () => createSender({ gate, store: schema.url, endpoint: url, token: TOKEN, concurrency: 8, onEvent: () => {} });
  const senders = Array.from({ length: workers }, make);
  try {
    const at = Date.now();
    const m = (i) => ({ ...message(i, 'drain'), receiver_id: String(7_000_000_000_000_000_000n + BigInt(i % DRAIN_RECEIVERS)) });
    for (let r = 0; r < DRAIN_RECEIVERS; r++) await senders[0].recordInbound({ from: m(r).receiver_id, kind: 'message', at });
    for (let s = 0; s < DRAIN_N; s += 256) await Promise.all(Array.from({ length: Math.min(256, DRAIN_N - s) }, (_, j) => senders[0].enqueue(m(s + j))));
    const t = performance.now();
    const reports = await Promise.all(senders.map((x) => x.drain({ waitForLease: true })));
    const ms = performance.now() - t;
    const sent = reports.reduce((n, r) => n + r.sent, 0);
    if (sent !== DRAIN_N) throw new Error(`pg drain: sent ${sent} of ${DRAIN_N}`);
    return ms;
  } finally {
    for (const x of senders) x.close();
    await schema.drop();
  }
}

async function pgRows(gate) {
  const slow = await startMock(['--slow', '50']);
  try {
    const samples = await alternate({ one: () => pgDrain(slow.url, gate, 1), three: () => pgDrain(slow.url, gate, 3) }, ROUNDS);
    const one = median(samples.one);
    const three = median(samples.three);
    const ratio = three / one;
    console.log(`\nPostgreSQL, latency-bound: ${DRAIN_N} queued messages to ${DRAIN_RECEIVERS} receivers, mock answering in 50 ms, concurrency 8 per worker.\n`);
    return table(
      [
        {
          what: 'three workers draining one PostgreSQL outbox together',
          figure: `${three.toFixed(0)} (${samples.three.map((x) => x.toFixed(0)).join(', ')})`,
          baseline: `${one.toFixed(0)} (${samples.one.map((x) => x.toFixed(0)).join(', ')})`,
          ratio: ratio.toFixed(2),
          target: '≤ 0.75',
          pass: ratio <= 0.75,
        },
      ],
      ['what', 'drain ms, median (rounds)', 'baseline: one worker, drain ms', 'ratio (time)', 'target', 'result'],
    );
  } finally {
    slow.stop();
  }
}

export default async function () {
  const mock = await startMock();
  const gate = createGate({ cwd: repo });
  try {
    // Warm both paths once (JIT, keep-alive sockets). The machine is shared, so the
    // paths are measured alternately, three rounds (WG_BENCH_ROUNDS), and each figure is the median.
    await bare(mock.url);
    const configs = [
      { what: 'enqueue → outbox → worker → mock, synchronous=FULL (default), concurrency 32', run: () => durable(mock.url, gate, 'FULL', 32), target: 0.5 },
      { what: 'enqueue → outbox → worker → mock, synchronous=FULL (default), concurrency 8 (default)', run: () => durable(mock.url, gate, 'FULL', 8), target: null },
      { what: 'enqueue → outbox → worker → mock, synchronous=NORMAL, concurrency 32', run: () => durable(mock.url, gate, 'NORMAL', 32), target: null },
      { what: 'bare fetch, 32 in flight (no gate, no outbox)', run: () => bareConcurrent(mock.url, 32), target: null },
      ...(PG_URL ? [{ what: 'enqueue → PostgreSQL outbox → worker → mock, concurrency 32', run: () => durable(mock.url, gate, 'FULL', 32, { createSender }, 'pg/32', true), target: null }] : []),
    ];
    if (!PG_URL) console.log('PostgreSQL rows left out: set WG_BENCH_PG_URL (or WG_TEST_PG_URL; `eval "$(scripts/pg-cluster.sh start)"` starts a throwaway cluster).\n');
    for (const other of otherBuilds()) {
      const build = await import(pathToFileURL(join(other.dir, 'dist/sender/index.js')).href);
      const { createGate: otherGate } = await import(pathToFileURL(join(other.dir, 'dist/gate.js')).href);
      const g = otherGate({ cwd: other.dir });
      configs.push({ what: `the first row's path on build ${other.name}`, run: () => durable(mock.url, g, 'FULL', 32, build, other.name), target: null, other: other.name });
    }
    const samples = await alternate({ base: () => bare(mock.url), ...Object.fromEntries(configs.map((c, i) => [`c${i}`, c.run])) }, ROUNDS);
    const bases = samples.base;
    const base = median(bases);
    console.log(`${N} text messages to ${RECEIVERS} receivers; ${machine()}.\n`);
    const rows = configs.map((c, i) => {
      const rate = median(samples[`c${i}`]);
      const ratio = rate / base;
      return {
        what: c.what,
        figure: `${rate.toFixed(0)} (${samples[`c${i}`].map((x) => x.toFixed(0)).join(', ')})`,
        baseline: `${base.toFixed(0)} (${bases.map((x) => x.toFixed(0)).join(', ')})`,
        ratio: ratio.toFixed(2),
        target: c.target === null ? '—' : `≥ ${c.target}`,
        pass: c.target === null ? null : ratio >= c.target,
      };
    });
    const ok = table(rows, ['what', 'msg/s, median (rounds)', 'baseline: sequential bare fetch loop, msg/s', 'ratio', 'target', 'result']);
    const own = median(samples.c0);
    configs.forEach((c, i) => {
      if (!c.other) return;
      const [ownCpu, otherCpu] = [median(cpu.get('FULL/32')), median(cpu.get(c.other))];
      console.log(
        `\nThis build against ${c.other} (same path, same rounds): ${(own / median(samples[`c${i}`])).toFixed(2)}× its msg/s; ` +
          `CPU of the sending process ${ownCpu.toFixed(0)} against ${otherCpu.toFixed(0)} µs per message (${(ownCpu / otherCpu).toFixed(2)}×).`,
      );
    });
    return (PG_URL ? await pgRows(gate) : true) && ok;
  } finally {
    mock.stop();
  }
}
