import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { fileType, type FileType } from '../sites/file-type.js';
import { AuditInputError } from './errors.js';

export interface AuditFile {
  abs: string;
  /** Relative to the audited root, `/`-separated (what reports show). */
  rel: string;
  type: FileType;
}

/** Never templates: dependencies, git's own files, and the folder weibo-guard keeps its state in. */
const NEVER_DIRS = new Set(['node_modules', '.git', '.weibo-guard']);

export interface WalkOptions {
  /** The audited root: reports and ignore patterns are relative to it. */
  root: string;
  /** Files or folders to audit (absolute or relative to root); default the root. */
  paths?: string[];
  /** gitignore-style patterns of files never read (the config's `ignore` entries without a rule). */
  exclude?: string[];
  /** Absolute paths never read: the audit's own baseline and report files. */
  skip?: string[];
}

/**
 * The template files under the given paths, sorted, honouring every `.gitignore`
 * from the root down (each relative to its own folder) and never entering
 * `node_modules` or `.git`. A file named explicitly is read even when ignored by git.
 */
export function listFiles(opts: WalkOptions): AuditFile[] {
  const root = resolve(opts.root);
  const excluded = ignore().add(opts.exclude ?? []);
  const out = new Map<string, AuditFile>();
  const relOf = (abs: string): string => relative(root, abs).split(sep).join('/');
  const skip = new Set((opts.skip ?? []).map((p) => resolve(p)));
  const add = (abs: string, type: FileType): void => {
    if (skip.has(abs)) return;
    const rel = relOf(abs);
    if (rel !== '' && excluded.ignores(rel)) return;
    out.set(abs, { abs, rel, type });
  };

  const walk = (dir: string, rules: Array<{ base: string; ig: Ignore }>): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      throw new AuditInputError(`${relOf(dir) || '.'}: cannot read folder (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const local = entries.find((e) => e.isFile() && e.name === '.gitignore');
    const here = local ? [...rules, { base: dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) }] : rules;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (NEVER_DIRS.has(e.name)) continue;
      const abs = join(dir, e.name);
      const isDir = e.isDirectory();
      if (!isDir && !e.isFile()) continue;
      if (gitIgnored(here, abs, isDir)) continue;
      const rel = relOf(abs);
      if (rel !== '' && excluded.ignores(isDir ? `${rel}/` : rel)) continue;
      if (isDir) walk(abs, here);
      else {
        const type = fileType(e.name);
        if (type) add(abs, type);
      }
    }
  };

  for (const p of opts.paths?.length ? opts.paths : [root]) {
    const abs = resolve(root, p);
    const rel = relative(root, abs);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new AuditInputError(`${p}: outside the audited root ${root}; pass --root to audit it`);
    }
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new AuditInputError(`${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      if (abs.split(sep).some((part) => NEVER_DIRS.has(part))) continue;
      walk(abs, rootRules(root, abs));
    } else {
      const type = fileType(abs.slice(abs.lastIndexOf(sep) + 1));
      if (!type) throw new AuditInputError(`${p}: not a template file the audit reads (.ts .tsx .js .jsx .mjs .cjs .json .jsonc .yaml .yml .md .txt)`);
      add(abs, type);
    }
  }
  return [...out.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** `.gitignore` files between the root and a starting folder below it. */
function rootRules(root: string, start: string): Array<{ base: string; ig: Ignore }> {
  const rules: Array<{ base: string; ig: Ignore }> = [];
  const rel = relative(root, start);
  if (rel.startsWith('..')) return rules;
  const parts = rel === '' ? [] : rel.split(sep);
  let dir = root;
  for (let k = 0; k < parts.length; k++) {
    try {
      rules.push({ base: dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) });
    } catch {
      // no .gitignore here
    }
    dir = join(dir, parts[k]!);
  }
  return rules;
}

function gitIgnored(rules: Array<{ base: string; ig: Ignore }>, abs: string, isDir: boolean): boolean {
  for (const { base, ig } of rules) {
    const rel = relative(base, abs).split(sep).join('/');
    if (ig.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}
