import ignore, { type Ignore } from 'ignore';
import { basename, extname, isAbsolute, relative, sep } from 'node:path';
import { fileType } from '../audit/files.js';
import { lineStarts, positionAt } from '../audit/locate.js';
import { parseDirectives } from '../audit/suppress.js';
import type { Gate } from '../gate.js';

/**
 * What the project itself said not to report, honoured exactly as `weibo-guard audit`
 * honours it, so the two front doors agree: the config's `ignore` entries (gitignore
 * patterns relative to the project root; without a rule a file is skipped, with a rule
 * that rule's findings are dropped in it) and `weibo-guard-disable-next-line <rule> --
 * <reason>` comments in JS/TS sources (parsed by the audit's own parser; a directive
 * without a reason silences nothing).
 */
export interface FileFilter {
  /** True when no finding in this file is reported. */
  readonly skip: boolean;
  /** True when the finding of `rule` starting at file index `start` is silenced. */
  silenced(rule: string, start: number): boolean;
}

interface CompiledIgnores {
  files: Ignore;
  byRule: Array<{ rule: string; match: Ignore }>;
}

const compiled = new WeakMap<Gate, CompiledIgnores>();

function ignoresOf(gate: Gate): CompiledIgnores {
  let c = compiled.get(gate);
  if (!c) {
    const entries = gate.policy.config.ignore;
    c = {
      files: ignore().add(entries.filter((e) => !e.rule).map((e) => e.path)),
      byRule: entries.filter((e) => e.rule).map((e) => ({ rule: e.rule!, match: ignore().add(e.path) })),
    };
    compiled.set(gate, c);
  }
  return c;
}

const MARKER = 'weibo-guard-disable-next-line';

/**
 * Tooling files the audit never reads as templates (package.json, tsconfig.json,
 * weibo-guard.config.*, declaration files): a name whose extension the audit reads but
 * which the audit's own file classifier turns away.
 */
function isToolingFile(filename: string): boolean {
  const name = basename(filename);
  return fileType(name) === undefined && fileType(`template${extname(name)}`) !== undefined;
}

/**
 * The filter for one file; `root` is the directory ignore patterns are relative to,
 * `script` whether the file is JS/TS source (the only place directives are read).
 */
export function fileFilter(gate: Gate, root: string, filename: string, text: string, script: boolean): FileFilter {
  if (isToolingFile(filename)) return { skip: true, silenced: () => true };
  const dropped = new Set<string>();
  if (gate.policy.config.ignore.length > 0) {
    const rel = relative(root, filename).split(sep).join('/');
    // `ignore` only takes paths inside the root; files outside it match no pattern.
    const inside = rel !== '' && !rel.startsWith('../') && !isAbsolute(rel);
    const { files, byRule } = ignoresOf(gate);
    if (inside && files.ignores(rel)) return { skip: true, silenced: () => true };
    if (inside) for (const i of byRule) if (i.match.ignores(rel)) dropped.add(i.rule);
  }

  const silencedAt = new Map<number, Array<{ rules: string[] }>>();
  let lineOf: ((offset: number) => number) | null = null;
  if (script && text.includes(MARKER)) {
    const starts = lineStarts(text);
    lineOf = (offset) => positionAt(starts, offset).line - 1;
    for (const d of parseDirectives(text, lineOf)) {
      if (d.reason === '') continue;
      const next = d.lineIndex + 1;
      silencedAt.set(next, [...(silencedAt.get(next) ?? []), { rules: d.rules }]);
    }
  }
  return {
    skip: false,
    silenced(rule, start) {
      if (dropped.has(rule)) return true;
      if (!lineOf || silencedAt.size === 0) return false;
      const ds = silencedAt.get(lineOf(start));
      return ds !== undefined && ds.some((d) => d.rules.length === 0 || d.rules.includes(rule));
    },
  };
}
