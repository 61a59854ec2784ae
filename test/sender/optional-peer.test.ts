import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * A project that installed weibo-guard without one of its optional peers (better-sqlite3,
 * pg): the package's built files copied (so resolution starts there, not in this repo),
 * every other installed package linked.
 */
const repo = resolve(import.meta.dirname, '../..');
let project: string;
const pkg = () => join(project, 'node_modules/weibo-guard');
const node = (args: string[]) => {
  const r = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', NODE_PATH: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const script = (body: string) => node(['--input-type=module', '-e', body]);

const without = (missing: string) => () => {
  project = mkdtempSync(join(tmpdir(), `wg-no-${missing}-`));
  const modules = join(project, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (name === missing || name === '.bin' || name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      mkdirSync(join(modules, name));
      for (const sub of readdirSync(join(repo, 'node_modules', name))) symlinkSync(join(repo, 'node_modules', name, sub), join(modules, name, sub));
    } else symlinkSync(join(repo, 'node_modules', name), join(modules, name));
  }
  for (const part of ['dist', 'rules', 'whitelist', 'package.json']) cpSync(join(repo, part), join(pkg(), part), { recursive: true });
};

describe('better-sqlite3 is an optional peer: only the sender needs it', () => {
  beforeAll(without('better-sqlite3'));

  it('is really missing from that project', () => {
    expect(script(`import('better-sqlite3').then(() => console.log('found'), () => console.log('missing'))`).out).toBe('missing\n');
  });

  it('the gate and the ESLint plugin load and work without it', () => {
    const r = script(
      `const { createGate } = await import('weibo-guard');
       const plugin = (await import('weibo-guard/eslint-plugin')).default;
       const v = createGate().check({ type: 'text', data: { text: '加我微信 abc' }, receiver_id: '1' });
       console.log(v.allowed, v.findings[0].rule, typeof plugin.rules);`,
    );
    expect(r.err).toBe('');
    expect(r.out).toBe('false competitor/promotion object\n');
  });

  it('the library throws a typed error naming the package to install', () => {
    const r = script(
      `const { createSqliteStore, MissingDependencyError } = await import('weibo-guard');
       try { createSqliteStore({ path: 'x.db' }); console.log('opened'); }
       catch (e) { console.log(e instanceof MissingDependencyError, e.packageName, e.message); }`,
    );
    expect(r.out).toBe('true better-sqlite3 the sender needs better-sqlite3: npm install better-sqlite3@12\n');
  });

  it('the CLI: outbox list is a one-line error and exit 2; check still judges', () => {
    const main = join(pkg(), 'dist/cli/main.js');
    const list = node([main, 'outbox', 'list', '--store', 'x.db']);
    expect(list.err).toBe('weibo-guard: the sender needs better-sqlite3: npm install better-sqlite3@12\n');
    expect(list.code).toBe(2);
    const r = spawnSync(process.execPath, [main, 'check'], { cwd: project, input: JSON.stringify({ type: 'text', data: { text: '您好' }, receiver_id: '1' }), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ allowed: true, findings: [] });
  });
});

describe('pg is an optional peer: only a postgres:// outbox needs it', () => {
  beforeAll(without('pg'));

  it('the library throws a typed error naming pg; the SQLite outbox still works', () => {
    const r = script(
      `const { createPostgresStore, createSqliteStore, MissingDependencyError } = await import('weibo-guard');
       try { createPostgresStore('postgres://u:pw@127.0.0.1:1/x'); console.log('opened'); }
       catch (e) { console.log(e instanceof MissingDependencyError, e.packageName, e.message); }
       const s = createSqliteStore({ path: 'ok.db' }); console.log(JSON.stringify(await s.counts())); s.close();`,
    );
    expect(r.err).toBe('');
    expect(r.out).toBe('true pg a postgres:// outbox needs the pg package: npm install pg@8\n{"queued":0,"sending":0,"sent":0,"failed":0,"uncertain":0,"dropped":0}\n');
  });

  it('the CLI: a postgres:// --store is a one-line error naming pg, exit 2', () => {
    const list = node([join(pkg(), 'dist/cli/main.js'), 'outbox', 'list', '--store', 'postgres://u:pw@127.0.0.1:1/x']);
    expect(list.err).toBe('weibo-guard: a postgres:// outbox needs the pg package: npm install pg@8\n');
    expect(list.code).toBe(2);
  });
});
