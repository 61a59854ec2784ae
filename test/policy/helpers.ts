import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'tldts';
import type { FoundLink } from '../../src/links/types.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The date the shipped data was written; fixes expiry checks so tests do not drift. */
export const TODAY = new Date('2026-11-23T12:00:00Z');

/**
 * A FoundLink as the link finder (src/links) will produce it, built here with the
 * WHATWG URL parser and tldts until findLinks/canonicalize land.
 */
export function link(text: string): FoundLink {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(text);
  const url = new URL(withScheme ? text : `http://${text}`);
  const scheme = url.protocol.slice(0, -1);
  const web = scheme === 'http' || scheme === 'https';
  const host = url.hostname === '' ? null : url.hostname;
  const hostType = host === null ? null : host.startsWith('[') ? 'ipv6' : /^\d+\.\d+\.\d+\.\d+$/.test(host) ? 'ipv4' : 'domain';
  const info = hostType === 'domain' && host ? parse(host) : null;
  return {
    start: 0,
    end: text.length,
    raw: text,
    form: withScheme ? 'scheme' : 'bare',
    folded: [],
    scheme,
    web,
    url: url.href,
    host: web ? host : null,
    hostType: web ? hostType : null,
    domain: info?.domain ?? null,
    publicSuffix: info?.publicSuffix ?? null,
    credentials: url.username !== '' || url.password !== '',
    path: `${url.pathname || '/'}${url.search}`,
  };
}

/**
 * A data folder: the shipped whitelist/ and rules/ copied, then `files` written
 * over them (relative paths such as `whitelist/media.yaml`).
 */
export function dataDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-policy-'));
  cpSync(join(repoRoot, 'whitelist'), join(dir, 'whitelist'), { recursive: true });
  cpSync(join(repoRoot, 'rules'), join(dir, 'rules'), { recursive: true });
  writeFiles(dir, files);
  return dir;
}

/** An empty project folder holding only `files` (a config, usually). */
export function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-project-'));
  writeFiles(dir, files);
  return dir;
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** A minimal valid whitelist file with the given entries (YAML list items). */
export function whitelistFile(entries: string): string {
  return `about: test list\nentries:\n${entries}`;
}
