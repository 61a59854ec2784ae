import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSender, decodeAnswer, Redactor } from '../../src/sender/index.js';
import { assertBuilt, gate, runCli, tempDir, text } from './helpers.js';

/** A token with every character form-encoding and percent-encoding disagree on, and a space. */
const TOKEN = "2.00 SeCr!'()*~Et/Tok+en=9x";
const RAW_PREFIX = TOKEN.slice(0, 6);

const form = (s: string) => new URLSearchParams({ t: s }).toString().slice(2);
const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
/** encodeURIComponent with !'()*~ escaped too (RFC 3986 strict). */
const strict = (s: string) => encodeURIComponent(s).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
/** JSON the way PHP writes it: slashes and non-ASCII escaped. */
const phpJson = (v: unknown) => JSON.stringify(v).replace(/\//g, '\\/');
const unicodeEscaped = (s: string) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

const SPELLINGS = [
  TOKEN,
  encodeURIComponent(TOKEN),
  lowerHex(encodeURIComponent(TOKEN)),
  form(TOKEN),
  lowerHex(form(TOKEN)),
  strict(TOKEN),
  lowerHex(strict(TOKEN)),
  encodeURIComponent(TOKEN).replace(/%20/g, '+'),
  phpJson(TOKEN).slice(1, -1),
  unicodeEscaped(TOKEN),
  // Mixed: half form-encoded, half raw (a server that decodes only some escapes).
  form(TOKEN.slice(0, 12)) + TOKEN.slice(12),
];

/** True when the text shows the token, or the start of it, in any spelling. */
function leaks(t: string): string | null {
  for (const s of SPELLINGS) if (t.includes(s)) return s;
  for (const s of [RAW_PREFIX, form(TOKEN).slice(0, 8), encodeURIComponent(TOKEN).slice(0, 8)]) if (t.includes(s)) return s;
  return null;
}

describe('Redactor', () => {
  it('scrubs the token in every spelling, and mixed spellings', () => {
    const r = new Redactor();
    r.add(TOKEN);
    for (const s of SPELLINGS) {
      const out = r.redact(`before ${s} after`);
      expect(out, s).toBe('before [redacted] after');
    }
  });

  it('scrubs a start of the token that ends the text (an echo cut short by the server)', () => {
    const r = new Redactor();
    r.add(TOKEN);
    expect(r.redact(`upstream body: access_token=${form(TOKEN).slice(0, 14)}`)).toBe('upstream body: access_token=[redacted]');
    expect(r.redact(`ends with ${TOKEN.slice(0, 9)}`)).toBe('ends with [redacted]');
    // Too short to be told from ordinary text: left alone.
    expect(r.redact('version 2.0')).toBe('version 2.0');
  });

  it('leaves other text alone and is not slowed by a long text', () => {
    const r = new Redactor();
    r.add(TOKEN);
    const long = `${'2.00 SeCr'.repeat(20_000)}tail`;
    expect(r.redact(long)).toBe(long);
    expect(r.redact('a+b c%2Bd')).toBe('a+b c%2Bd');
  });
});

describe('error previews', () => {
  it('scrub the whole body before cutting it, so no token start survives the cut', () => {
    const r = new Redactor();
    r.add(TOKEN);
    for (let pad = 40; pad < 90; pad++) {
      const body = `${'x'.repeat(pad)}${TOKEN} and more text after the token, quite a lot of it`;
      const d = decodeAnswer(502, body, null, 0, (s) => r.redact(s));
      expect(d.ok).toBe(false);
      const message = !d.ok ? d.error.message : '';
      expect(leaks(message), `pad ${pad}: ${message}`).toBeNull();
    }
  });
  it('scrub the error field of a Weibo error body', () => {
    const r = new Redactor();
    r.add(TOKEN);
    const d = decodeAnswer(400, phpJson({ error_code: 21301, error: `auth failed for ${TOKEN}` }), null, 0, (s) => r.redact(s));
    expect(!d.ok && d.error.message).toBe('Weibo error 21301 (auth failed for [redacted]), HTTP 400');
    expect(!d.ok && d.error.details.error).toBe('auth failed for [redacted]');
  });
});

/** An endpoint that refuses every request and echoes it back, spelled by receiver. */
function echoServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const receiver = params.get('receiver_id') ?? '';
      const token = params.get('access_token') ?? '';
      const answers: Record<string, [number, string]> = {
        '1': [400, phpJson({ error_code: 10017, error: `invalid request: ${body}` })],
        '2': [400, `<html><body>bad request: ${body}</body></html>`],
        '3': [400, phpJson({ error_code: 10017, error: `token ${token} rejected` })],
        '4': [418, `${'.'.repeat(70)}${token}${'.'.repeat(40)}`],
        '5': [418, `${'.'.repeat(50)}${lowerHex(strict(token))}${'.'.repeat(40)}`],
        '6': [418, `upstream said: ${body.slice(0, 30)}`],
        '7': [418, unicodeEscaped(token)],
      };
      const [status, answer] = answers[receiver] ?? [500, 'no such case'];
      res.writeHead(status, { 'content-type': 'text/plain' }).end(answer);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/2/messages/reply/biz.json`, server })));
}

const RECEIVERS = ['1', '2', '3', '4', '5', '6', '7'];

describe('a token echoed by the endpoint', { timeout: 60_000 }, () => {
  let echo: { url: string; server: Server };
  beforeAll(async () => {
    echo = await echoServer();
  });
  afterAll(() => new Promise<void>((resolve) => echo.server.close(() => resolve())));

  it('never lands in outbox.reason, attempt details, events or the report', async () => {
    const { dir, cleanup } = tempDir();
    const db = join(dir, 'outbox.db');
    const events: unknown[] = [];
    const sender = createSender({ gate: gate(), store: { path: db }, endpoint: echo.url, token: TOKEN, retry: { maxAttempts: 1 }, onEvent: (e) => events.push(e) });
    try {
      for (const id of RECEIVERS) {
        await sender.recordInbound({ from: id, kind: 'message', at: Date.now() });
        expect((await sender.enqueue(text(id, 'x'))).status).toBe('queued');
      }
      const report = await sender.drain();
      expect(report.failed).toBe(RECEIVERS.length);
      const rows = await sender.list();
      expect(rows.every((m) => m.reason !== null && m.reason.length > 0)).toBe(true);
      const require = createRequire(import.meta.url);
      const Database = require('better-sqlite3') as typeof import('better-sqlite3');
      const raw = new Database(db, { readonly: true });
      const details = raw.prepare('SELECT detail FROM attempts').all() as Array<{ detail: string | null }>;
      raw.close();
      expect(details).toHaveLength(RECEIVERS.length);
      const texts = [JSON.stringify(report), JSON.stringify(events), ...rows.map((m) => m.reason ?? ''), ...details.map((d) => d.detail ?? '')];
      sender.close();
      for (const f of readdirSync(dir)) texts.push(readFileSync(join(dir, f)).toString('latin1'));
      for (const t of texts) expect(leaks(t), t.slice(0, 300)).toBeNull();
      expect(texts.join('\n')).toContain('[redacted]');
    } finally {
      sender.close();
      cleanup();
    }
  });

  it('never reaches the CLI output', async () => {
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    assertBuilt(repo);
    const { dir, cleanup } = tempDir();
    try {
      const now = Date.now();
      writeFileSync(join(dir, 'ev.jsonl'), RECEIVERS.map((id) => JSON.stringify({ from: id, kind: 'message', at: now })).join('\n'));
      writeFileSync(join(dir, 'm.jsonl'), RECEIVERS.map((id) => JSON.stringify(text(id, 'x'))).join('\n'));
      const env = { WEIBO_GUARD_TOKEN: TOKEN };
      const inbound = await runCli(['inbound', 'ev.jsonl'], { cwd: dir, env, guardMs: 20_000 });
      expect(inbound.code).toBe(0);
      const send = await runCli(['send', 'm.jsonl', '--endpoint', echo.url, '--max-attempts', '1'], { cwd: dir, env, guardMs: 20_000 });
      expect(send.stdout).toContain(`failed 7`);
      const list = await runCli(['outbox', 'list', '--state', 'all'], { cwd: dir, env, guardMs: 20_000 });
      for (const out of [send.stdout, send.stderr, list.stdout, list.stderr]) expect(leaks(out), out).toBeNull();
      expect(send.stdout).toContain('[redacted]');
    } finally {
      cleanup();
    }
  });
});
