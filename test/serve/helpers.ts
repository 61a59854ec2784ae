import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteStore, type OutboxStore } from '../../src/sender/index.js';
import { assertBuilt, TOKEN } from '../sender/helpers.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPO, 'dist/cli/main.js');
export const BOT = join(REPO, 'test/serve/fixtures/bot.mjs');
/** The wiki's worked example (weibo-push.md). */
export const WIKI = { secret: 'xyz123xyz', timestamp: '1397022061823', nonce: '57155157', signature: '90e4c22c90a58f26526c2dd5b6c56c8822edeaa1' } as const;
export const API_TOKEN = 'api-Tok3n-for-serve-tests';

export interface Served {
  url: string;
  dir: string;
  db: string;
  child: ChildProcess;
  /** Everything written to stderr so far (JSON log lines). */
  stderr(): string;
  /** SIGTERM (or another signal); resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wg-serve-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeSecret(dir: string, name: string, value: string): string {
  const f = join(dir, name);
  writeFileSync(f, `${value}\n`);
  return f;
}

/**
 * Starts `weibo-guard serve --port 0 …` from dist/ and resolves with the base URL
 * it prints as its first stdout line, or rejects with what it printed if it exits
 * first. Bounded: a process that says nothing in 20 s is killed.
 */
export function serve(args: string[], o: { dir: string; env?: Record<string, string>; uid?: number }): Promise<Served> {
  assertBuilt(REPO);
  const stale = readdirSync(join(REPO, 'src/serve')).filter((f) => {
    const built = statSync(join(REPO, 'dist/serve', f.replace(/\.ts$/, '.js')), { throwIfNoEntry: false });
    return !built || built.mtimeMs < statSync(join(REPO, 'src/serve', f)).mtimeMs;
  });
  if (stale.length) throw new Error(`dist/serve is missing or older than src/serve/${stale.join(', src/serve/')}: run \`npm run build\``);
  const db = join(o.dir, 'outbox.db');
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--store', db, ...args], {
    cwd: o.dir,
    env: { ...process.env, WEIBO_GUARD_TOKEN: TOKEN, WEIBO_GUARD_APP_SECRET: '', WEIBO_GUARD_API_TOKEN: '', ...o.env },
    ...(o.uid !== undefined ? { uid: o.uid, gid: o.uid } : {}),
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  void exited.then(() => clearTimeout(guard));
  return new Promise((resolve, reject) => {
    const early = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve printed no URL in 20 s; stderr: ${stderr}`));
    }, 20_000);
    child.stdout.on('data', (d: string) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(early);
      resolve({
        url: stdout.slice(0, nl),
        dir: o.dir,
        db,
        child,
        stderr: () => stderr,
        exited,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    });
    void exited.then((e) => {
      clearTimeout(early);
      reject(Object.assign(new Error(`serve exited (${e.code ?? e.signal}) before printing a URL: ${stderr}`), { code: e.code, stderr }));
    });
  });
}

/** Waits until `test` holds, polling; bounded so a broken service fails the test instead of hanging it. */
export async function until<T>(what: string, test: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await test();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The outbox as the service left it, opened read-only beside it. */
export function readStore(db: string): OutboxStore {
  return createSqliteStore({ path: db, readonly: true });
}

export async function http(
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; json: () => unknown; headers: Headers }> {
  const res = await fetch(url, { method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'), ...(init.body !== undefined ? { body: init.body } : {}), headers: init.headers ?? {} });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as unknown, headers: res.headers };
}

export const bearer = (token = API_TOKEN) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
