import { existsSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { compileCompetitors, type CompiledCompetitors } from './competitors.js';
import { deepFreeze } from './frozen.js';
import { HostMatcher, MAX_HOST_LENGTH, pathHasPrefix, type PolicyEntry } from './matcher.js';
import {
  CategorySchema,
  CompetitorsFileSchema,
  ConfigSchema,
  LimitsSchema,
  RedirectorsFileSchema,
  ShortenersFileSchema,
  WhitelistFileSchema,
  type Category,
  type Config,
  type Limits,
  type LimitsOverride,
  type Redirector,
  type Shortener,
} from './schema.js';
import { readTextFile, TextFileError } from '../text-file.js';
import { formatIssue, locate, parseSource, validate, type PolicyIssue, type Source } from './source.js';
import type { PolicyWarning } from './warnings.js';

export interface LoadPolicyOptions {
  /** Where to look for weibo-guard.config.{json,yaml,yml}; default process.cwd(). */
  cwd?: string;
  /** An explicit config file (relative to cwd); it must exist. */
  config?: string;
  /** The folder holding whitelist/ and rules/; default the package's own. */
  dataDir?: string;
  /** "Today" for expiry checks; default the current date. */
  now?: Date;
  /** Entries expiring within this many days get a warning; default 30. */
  expiringSoonDays?: number;
}

/** Every problem found while loading, each `file:line: what is wrong`. */
export class PolicyError extends Error {
  override name = 'PolicyError';
  readonly issues: readonly PolicyIssue[];
  constructor(issues: PolicyIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.issues = Object.freeze(issues);
  }
}

/** A shortener as compiled: where it was written, for evidence. */
export interface ShortenerEntry extends Shortener {
  readonly file: string;
  readonly line: number;
}

export class ShortenerMatcher {
  readonly #byDomain: Map<string, ShortenerEntry>;
  constructor(entries: Iterable<ShortenerEntry>) {
    this.#byDomain = new Map([...entries].map((e) => [e.domain, e]));
    Object.freeze(this);
  }
  get size(): number {
    return this.#byDomain.size;
  }
  /** The shortener serving this host (or a parent domain of it), by label suffix. */
  match(host: string): ShortenerEntry | undefined {
    if (host.length > MAX_HOST_LENGTH) return undefined;
    for (let at = 0; ; ) {
      const hit = this.#byDomain.get(at === 0 ? host : host.slice(at));
      if (hit) return hit;
      const dot = host.indexOf('.', at);
      if (dot < 0) return undefined;
      at = dot + 1;
    }
  }
}

/** A redirect endpoint as compiled: where it was written, for evidence. */
export interface RedirectorEntry extends Redirector {
  readonly file: string;
  readonly line: number;
}

export class RedirectorMatcher {
  readonly #byDomain: Map<string, RedirectorEntry>;
  /** Lengths of the first path segment of every listed path (index 0: an entry for any path). */
  readonly #segmentLengths = new Uint8Array(65);
  /** First character (after `/`, ASCII) of every listed path; 0x80 marks a non-ASCII one. */
  readonly #firstChars = new Uint8Array(0x81);
  #anyPath = false;
  constructor(entries: Iterable<RedirectorEntry>) {
    this.#byDomain = new Map([...entries].map((e) => [e.domain, e]));
    for (const e of this.#byDomain.values()) {
      if (e.paths === undefined) this.#anyPath = true;
      else {
        for (const p of e.paths) {
          this.#segmentLengths[Math.min(firstSegmentEnd(p), 64)] = 1;
          this.#firstChars[Math.min(p.charCodeAt(1) || 0, 0x80)] = 1;
        }
      }
    }
    Object.freeze(this);
  }
  /**
   * False when no entry can apply to this path, from its first character and the
   * length of its first segment alone: run on every allowed link, so it hashes nothing.
   */
  mayApply(path: string): boolean {
    if (this.#anyPath) return true;
    if (this.#firstChars[Math.min(path.charCodeAt(1) || 0, 0x80)] !== 1) return false;
    return this.#segmentLengths[Math.min(firstSegmentEnd(path), 64)] === 1;
  }
  get size(): number {
    return this.#byDomain.size;
  }
  /** The redirector serving this host (or a parent domain of it, by label suffix) at this path. */
  match(host: string, path: string): RedirectorEntry | undefined {
    if (host.length > MAX_HOST_LENGTH || this.#byDomain.size === 0) return undefined;
    for (let at = 0; ; ) {
      const hit = this.#byDomain.get(at === 0 ? host : host.slice(at));
      if (hit) return hit.paths === undefined || hit.paths.some((p) => pathHasPrefix(path, p)) ? hit : undefined;
      const dot = host.indexOf('.', at);
      if (dot < 0) return undefined;
      at = dot + 1;
    }
  }
}

/** End of `/segment` at the start of a path: the first `/`, `?` or `#` after the leading slash. */
function firstSegmentEnd(path: string): number {
  let j = 1;
  while (j < path.length && j <= 64) {
    const c = path.charCodeAt(j);
    if (c === 0x2f || c === 0x3f || c === 0x23) break;
    j++;
  }
  return j;
}

/** Everything the checks need, validated and compiled once; deeply frozen, so no caller can change what a gate decides. */
export interface Policy {
  /** Allow (whitelist) and deny (competitor) entries in one host-suffix matcher. */
  readonly whitelist: HostMatcher;
  readonly competitors: CompiledCompetitors;
  readonly shorteners: ShortenerMatcher;
  readonly redirectors: RedirectorMatcher;
  readonly limits: Limits;
  readonly config: Config;
  readonly warnings: readonly PolicyWarning[];
  /** Files read, as displayed in messages (`whitelist/media.yaml`, `weibo-guard.config.yaml`). */
  readonly sources: readonly string[];
}

/**
 * Far above any real policy file (a config of 100,000 whitelist entries is ~8 MB, the
 * shipped files a few KB), so a policy file is never read without end.
 */
export const MAX_POLICY_FILE_BYTES = 64 << 20;
const CONFIG_NAMES = ['weibo-guard.config.json', 'weibo-guard.config.yaml', 'weibo-guard.config.yml'];
/** The files under the data folder's rules/, each read by its own loader below. */
const RULE_FILES = ['competitors.yaml', 'shorteners.yaml', 'redirectors.yaml', 'limits.yaml'] as const;
const rulePath = (dataDir: string, file: (typeof RULE_FILES)[number]): string => resolve(dataDir, 'rules', file);
const whitelistPath = (dataDir: string, category: Category): string => resolve(dataDir, 'whitelist', `${category}.yaml`);
const DAY = 86_400_000;

/** Collects issues and warnings across files so one run reports them all. */
class Loader {
  readonly issues: PolicyIssue[] = [];
  readonly warnings: PolicyWarning[] = [];
  readonly sources: string[] = [];
  readonly allow: PolicyEntry[] = [];
  readonly deny: PolicyEntry[] = [];
  readonly #allowSeen = new Map<string, string>();
  readonly #denySeen = new Map<string, string>();
  readonly #today: string;
  readonly #soon: string;

  constructor(now: Date, soonDays: number) {
    this.#today = now.toISOString().slice(0, 10);
    this.#soon = new Date(now.getTime() + soonDays * DAY).toISOString().slice(0, 10);
  }

  read(path: string, display: string): Source | undefined {
    let text: string;
    try {
      text = readTextFile(path, { maxBytes: MAX_POLICY_FILE_BYTES });
    } catch (err) {
      if (!(err instanceof TextFileError)) throw err;
      this.issues.push({ file: display, line: 0, message: err.message });
      return undefined;
    }
    this.sources.push(display);
    const { source, issues } = parseSource(text, display, extname(path).toLowerCase() === '.json' ? 'json' : 'yaml');
    this.issues.push(...issues);
    return source;
  }

  check<S extends z.ZodType>(source: Source | undefined, schema: S): z.infer<S> | undefined {
    if (!source) return undefined;
    const { data, issues } = validate(source, schema);
    this.issues.push(...issues);
    return issues.length === 0 ? data : undefined;
  }

  /** Expired entries are dropped (a lapsed listing no longer allows anything), with a warning that keeps the entry. */
  expiryAllows(source: Source, path: Array<string | number>, entry: PolicyEntry): boolean {
    const { domain, expires } = entry;
    if (expires === undefined) return true;
    const { line } = locate(source, [...path, 'expires']);
    if (expires < this.#today) {
      this.warnings.push({ kind: 'expired', file: source.file, line, domain, expires, message: `${domain}: expired on ${expires}; the entry no longer applies (renew or remove it)`, entry: Object.freeze(entry) });
      return false;
    }
    if (expires <= this.#soon) this.warnings.push({ kind: 'expiring', file: source.file, line, domain, expires, message: `${domain}: expires on ${expires}` });
    return true;
  }

  add(entry: PolicyEntry, source: Source, domainPath: Array<string | number>): void {
    const seen = entry.kind === 'allow' ? this.#allowSeen : this.#denySeen;
    const first = seen.get(entry.domain);
    if (first !== undefined) {
      const { line, column } = locate(source, domainPath);
      this.issues.push({ file: source.file, line, column, message: `duplicate domain "${entry.domain}" (already listed at ${first}); merge the two entries` });
      return;
    }
    seen.set(entry.domain, `${entry.file}:${entry.line}`);
    (entry.kind === 'allow' ? this.allow : this.deny).push(entry);
  }
}

function displayPath(path: string, base: string): string {
  const rel = relative(base, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/');
}

function findConfig(cwd: string, explicit: string | undefined, loader: Loader): string | undefined {
  if (explicit !== undefined) return resolve(cwd, explicit);
  const present = CONFIG_NAMES.map((n) => resolve(cwd, n)).filter((p) => existsSync(p));
  if (present.length > 1) {
    loader.issues.push({ file: displayPath(present[1]!, cwd), line: 0, message: `more than one config file (${present.map((p) => displayPath(p, cwd)).join(', ')}); keep one` });
  }
  return present[0];
}

function loadWhitelists(loader: Loader, dataDir: string): void {
  for (const category of CategorySchema.options) {
    const path = whitelistPath(dataDir, category);
    const source = loader.read(path, displayPath(path, dataDir));
    const file = loader.check(source, WhitelistFileSchema);
    if (!source || !file) continue;
    file.entries.forEach((e, i) => {
      const entry: PolicyEntry = { ...e, suffix: e.suffix === true, kind: 'allow', category, file: source.file, line: locate(source, ['entries', i]).line };
      if (loader.expiryAllows(source, ['entries', i], entry)) loader.add(entry, source, ['entries', i, 'domain']);
    });
  }
}

function loadCompetitors(loader: Loader, dataDir: string): CompiledCompetitors | undefined {
  const path = rulePath(dataDir, 'competitors.yaml');
  const source = loader.read(path, displayPath(path, dataDir));
  const data = loader.check(source, CompetitorsFileSchema);
  if (!source || !data) return undefined;
  const ids = new Map<string, number>();
  const schemes = new Map<string, string>();
  data.services.forEach((s, i) => {
    const at = (p: Array<string | number>) => locate(source, ['services', i, ...p]).line;
    if (ids.has(s.id)) loader.issues.push({ file: source.file, line: at(['id']), message: `services[${i}].id: duplicate service id "${s.id}" (first at line ${ids.get(s.id)})` });
    ids.set(s.id, at([]));
    s.schemes.forEach((scheme, j) => {
      const first = schemes.get(scheme);
      if (first) loader.issues.push({ file: source.file, line: at(['schemes', j]), message: `services[${i}].schemes[${j}]: scheme "${scheme}" is already listed for ${first}` });
      schemes.set(scheme, s.id);
    });
    for (const list of ['domains', 'cdn'] as const) {
      s[list].forEach((domain, j) => {
        const line = at([list, j]);
        loader.add({ domain, kind: 'deny', category: 'competitors', file: source.file, line, suffix: false, service: s.id, note: s.name }, source, ['services', i, list, j]);
      });
    }
    s.exceptions.forEach((e, j) => {
      if (e.domain === undefined) return;
      const entry = { domain: e.domain, kind: 'allow' as const, category: 'competitors', file: source.file, line: at(['exceptions', j]), suffix: false, channels: e.channels, service: s.id, note: e.note, source: e.source };
      loader.add(e.paths ? { ...entry, paths: e.paths } : entry, source, ['services', i, 'exceptions', j, 'domain']);
    });
  });
  return compileCompetitors(data, source.file, (p) => locate(source, p).line);
}

/**
 * A rules file that lists entries by domain (shorteners, redirectors): each entry placed
 * on its line, a second entry for the same domain refused with where the first one is.
 */
function loadDomainList<K extends string, E extends { domain: string }>(
  loader: Loader,
  dataDir: string,
  name: (typeof RULE_FILES)[number],
  schema: z.ZodType<Record<K, E[]>>,
  key: K,
  duplicateHint: string,
): Array<E & { file: string; line: number }> {
  const path = rulePath(dataDir, name);
  const source = loader.read(path, displayPath(path, dataDir));
  const data = loader.check(source, schema);
  if (!source || !data) return [];
  const seen = new Map<string, number>();
  const out: Array<E & { file: string; line: number }> = [];
  data[key].forEach((entry, i) => {
    const line = locate(source, [key, i]).line;
    const first = seen.get(entry.domain);
    if (first !== undefined) {
      loader.issues.push({ file: source.file, line: locate(source, [key, i, 'domain']).line, message: `${key}[${i}].domain: duplicate domain "${entry.domain}" (already listed at line ${first})${duplicateHint}` });
      return;
    }
    seen.set(entry.domain, line);
    out.push({ ...entry, file: source.file, line });
  });
  return out;
}

const loadShorteners = (loader: Loader, dataDir: string): ShortenerEntry[] => loadDomainList(loader, dataDir, 'shorteners.yaml', ShortenersFileSchema, 'shorteners', '');

const loadRedirectors = (loader: Loader, dataDir: string): RedirectorEntry[] =>
  loadDomainList(loader, dataDir, 'redirectors.yaml', RedirectorsFileSchema, 'redirectors', '; merge the paths and params into one entry');

function mergeLimits(base: Limits, override: LimitsOverride | undefined): unknown {
  if (!override) return base;
  return {
    text: { ...base.text, ...override.text },
    articles: { ...base.articles, ...override.articles },
    image: { ...base.image, ...override.image },
    position: { ...base.position, ...override.position },
    window: { ...base.window, ...override.window },
    findings: { ...base.findings, ...override.findings },
    message: { ...base.message, ...override.message },
  };
}

function loadConfig(loader: Loader, path: string | undefined, cwd: string): { config: Config; source?: Source } {
  const empty = ConfigSchema.parse({});
  if (path === undefined) return { config: empty };
  const source = loader.read(path, displayPath(path, cwd));
  const config = loader.check(source, ConfigSchema);
  if (!source || !config) return { config: empty };
  config.whitelist.forEach((e, i) => {
    const entry: PolicyEntry = { ...e, suffix: e.suffix === true, kind: 'allow', category: e.category as Category, file: source.file, line: locate(source, ['whitelist', i]).line };
    if (loader.expiryAllows(source, ['whitelist', i], entry)) loader.add(entry, source, ['whitelist', i, 'domain']);
  });
  config.deny.forEach((e, i) => {
    loader.add({ ...e, suffix: e.suffix === true, kind: 'deny', category: 'competitors', file: source.file, line: locate(source, ['deny', i]).line }, source, ['deny', i, 'domain']);
  });
  return { config, source };
}

/** An allow entry that an equally specific deny shadows everywhere can never apply: say so. */
function warnShadowed(loader: Loader): void {
  const denied = new Map(loader.deny.filter((e) => !e.paths && !e.channels).map((e) => [e.domain, e]));
  for (const allow of loader.allow) {
    const deny = allow.paths || allow.channels ? undefined : denied.get(allow.domain);
    if (deny) loader.warnings.push({ kind: 'never-applies', file: allow.file, line: allow.line, domain: allow.domain, message: `${allow.domain}: never applies: ${deny.file}:${deny.line} denies the same domain, and deny wins` });
  }
}

const packageRoot = (): string => fileURLToPath(new URL('../../', import.meta.url));

/**
 * Every file `loadPolicy` reads with these options, absolute: the data folder's
 * whitelist/ and rules/ files and the project config. Without an explicit config every
 * name the config may have is listed, present or not, so a watcher sees one appear.
 */
export function policyFiles(options: Pick<LoadPolicyOptions, 'cwd' | 'config' | 'dataDir'> = {}): string[] {
  const cwd = resolve(options.cwd ?? process.cwd());
  const dataDir = resolve(options.dataDir ?? packageRoot());
  return [
    ...CategorySchema.options.map((category) => whitelistPath(dataDir, category)),
    ...RULE_FILES.map((file) => rulePath(dataDir, file)),
    ...(options.config === undefined ? CONFIG_NAMES.map((n) => resolve(cwd, n)) : [resolve(cwd, options.config)]),
  ];
}

/**
 * Loads the shipped whitelist/ and rules/ plus the project config, validates every
 * file against its zod schema and compiles the matchers once. Throws PolicyError
 * listing every problem (`file:line: what is wrong`); expired and expiring entries
 * and entries that never apply go to `policy.warnings` (see warnings.ts).
 */
export function loadPolicy(options: LoadPolicyOptions = {}): Policy {
  const cwd = resolve(options.cwd ?? process.cwd());
  const dataDir = resolve(options.dataDir ?? packageRoot());
  const loader = new Loader(options.now ?? new Date(), options.expiringSoonDays ?? 30);

  loadWhitelists(loader, dataDir);
  const competitors = loadCompetitors(loader, dataDir);
  const shorteners = loadShorteners(loader, dataDir);
  const redirectors = loadRedirectors(loader, dataDir);
  const limitsPath = rulePath(dataDir, 'limits.yaml');
  const limitsSource = loader.read(limitsPath, displayPath(limitsPath, dataDir));
  const baseLimits = loader.check(limitsSource, LimitsSchema);
  const { config, source: configSource } = loadConfig(loader, findConfig(cwd, options.config, loader), cwd);

  let limits: Limits | undefined = baseLimits;
  if (baseLimits && configSource && config.limits) {
    const merged = validate(configSource, LimitsSchema, mergeLimits(baseLimits, config.limits), ['limits']);
    loader.issues.push(...merged.issues);
    limits = merged.data;
  }
  if (loader.issues.length > 0 || !competitors || !limits) throw new PolicyError(loader.issues);

  // Frozen before the matchers take them: a matcher keeps the entries it is given, and
  // hands them out again (match, entries), so a mutable one would change its answers.
  const whitelist = new HostMatcher(deepFreeze([...loader.allow, ...loader.deny]));
  warnShadowed(loader);
  return deepFreeze({
    whitelist,
    competitors,
    shorteners: new ShortenerMatcher(deepFreeze(shorteners)),
    redirectors: new RedirectorMatcher(deepFreeze(redirectors)),
    limits,
    config,
    warnings: loader.warnings,
    sources: loader.sources,
  });
}
