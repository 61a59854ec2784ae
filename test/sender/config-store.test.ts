import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cliSuite, runCli } from './helpers.js';

/** `store:` in the project config is the outbox of every sender command given no --store. */
const suite = cliSuite();
const run = (args: string[]) => runCli(args, { cwd: suite.dir, guardMs: 30_000, stdin: '' });

it('a SQLite path in the config is used, relative to the working directory', async () => {
  writeFileSync(join(suite.dir, 'weibo-guard.config.yaml'), 'store: custom/outbox.db\n');
  const r = await run(['send', '-', '--no-drain']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(existsSync(join(suite.dir, 'custom/outbox.db'))).toBe(true);
  expect(existsSync(join(suite.dir, '.weibo-guard/outbox.db'))).toBe(false);
});

it('a postgres:// URL in the config selects PostgreSQL; its password is never printed; --store wins', async () => {
  writeFileSync(join(suite.dir, 'weibo-guard.config.yaml'), 'store: postgres://app:cfg-s3cret@127.0.0.1:1/outbox\n');
  const r = await run(['outbox', 'list']);
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/^weibo-guard: storage failure: outbox postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/outbox: the server cannot be reached/);
  expect(r.stderr).not.toContain('cfg-s3cret');
  const limit = await run(['outbox', 'list', '--store-limit', '1000']);
  expect(limit.stderr).toBe('weibo-guard: --store-limit applies to a SQLite outbox; a PostgreSQL server limits its own size\n');
  expect(limit.code).toBe(2);
  const local = await run(['outbox', 'list', '--store', 'local.db']);
  expect(local.code).toBe(0);
});
