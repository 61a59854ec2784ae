import { expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSqliteStore } from '../../src/sender/index.js';
import { cliSuite, expectCrashPromisesKept, runCli } from './helpers.js';

/**
 * A `weibo-guard send` process pushing a few thousand messages is SIGKILLed at random
 * points and restarted on the same input and outbox. Afterwards every message must
 * have been delivered, and any message delivered more than once must have had an
 * unknown-outcome attempt recorded (the only case at-least-once may duplicate).
 */
const N = 3000;
const RECEIVERS = 40;
const KILLS = 4;

const suite = cliSuite();

/** Runs the CLI; kills it with SIGKILL as soon as `killWhen` holds. */
const run = (args: string[], killWhen?: () => boolean) => runCli(args, { cwd: suite.dir, killWhen, guardMs: 40_000 });

it('survives SIGKILL at random points: nothing lost, duplicates only where the outcome was unknown', { timeout: 120_000 }, async () => {
  const t0 = Date.now();
  const receivers = Array.from({ length: RECEIVERS }, (_, i) => String(5_000_000_000_000_000_000n + BigInt(i)));
  const events = receivers.map((from, i) => JSON.stringify({ from, kind: 'message', at: t0, eventId: `open-${i}` })).join('\n');
  writeFileSync(join(suite.dir, 'events.jsonl'), events);
  for (const from of receivers) suite.mock.inbound({ from, kind: 'message', at: t0 });
  const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ key: `m${i}`, message: { type: 'text', data: { text: `回复 #${i}` }, receiver_id: receivers[i % RECEIVERS] } }));
  writeFileSync(join(suite.dir, 'batch.jsonl'), `${lines.join('\n')}\n`);

  const inbound = await run(['inbound', 'events.jsonl']);
  expect(inbound.stdout).toContain(`recorded ${RECEIVERS}`);

  // A killed worker's lease stays until it expires: each restart waits for it (short
  // here so the test stays quick) before taking over.
  const args = ['send', 'batch.jsonl', '--endpoint', suite.mock.url, '--quiet', '--json', '--concurrency', '8', '--lease', '1000', '--lease-renew', '250', '--wait-for-lease'];
  const kills: string[] = [];
  // First kill at a random time (start-up or enqueueing); the others after a random
  // number of new deliveries, so they land mid-drain with requests in flight.
  for (let k = 0; k < KILLS; k++) {
    const start = Date.now();
    const before = suite.mock.deliveries.length;
    const afterMs = 200 + Math.floor(Math.random() * 600);
    const afterDeliveries = 50 + Math.floor(Math.random() * 400);
    const when = k === 0 ? () => Date.now() - start >= afterMs : () => suite.mock.deliveries.length - before >= afterDeliveries;
    const r = await run(args, when);
    if (r.signal === 'SIGKILL') kills.push(k === 0 ? `${afterMs} ms` : `${suite.mock.deliveries.length - before} deliveries`);
  }
  const final = await run(args);
  expect(final.stderr).toBe('');
  expect(final.code).toBe(0);
  const summary = JSON.parse(final.stdout) as { queued: number; failed: number; blocked: number };
  expect(summary).toMatchObject({ queued: 0, failed: 0, blocked: 0 });
  expect(kills.length).toBeGreaterThanOrEqual(3);

  const store = createSqliteStore({ path: join(suite.dir, '.weibo-guard/outbox.db') });
  const rows = await store.list();
  store.close();
  expect(rows).toHaveLength(N);
  expect(rows.every((m) => m.state === 'sent')).toBe(true);

  const { duplicates, unknown } = expectCrashPromisesKept(rows, suite.mock.deliveries, N, receivers);
  console.log(`crash test: ${N} messages, ${kills.length} SIGKILLs (after ${kills.join(', ')}), ${suite.mock.deliveries.length} deliveries, ${duplicates} duplicates, ${unknown} unknown outcomes`);
});
