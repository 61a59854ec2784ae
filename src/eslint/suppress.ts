import type { Span } from '../findings.js';
import { basename, extname, relative, sep } from 'node:path';
import { fileType } from '../sites/file-type.js';
import type { Gate } from '../gate.js';
import { lineStarts, positionAt } from '../sites/decode.js';
import { FileFilter, Ignores, MARKER, parseDirectives } from '../sites/suppress.js';

/**
 * What the project itself said not to report, honoured exactly as `weibo-guard audit`
 * honours it (src/sites/suppress.ts is the one implementation): the config's `ignore`
 * entries, relative to the project root, and `weibo-guard-disable-next-line` comments
 * in JS/TS sources.
 */

const compiled = new WeakMap<Gate, Ignores>();

function ignoresOf(gate: Gate): Ignores {
  let c = compiled.get(gate);
  if (!c) compiled.set(gate, (c = new Ignores(gate.policy.config.ignore)));
  return c;
}

/**
 * Tooling files the audit never reads as templates (package.json, tsconfig.json,
 * weibo-guard.config.*, declaration files): a name whose extension the audit reads but
 * which the audit's own file classifier turns away.
 */
function isToolingFile(filename: string): boolean {
  const name = basename(filename);
  return fileType(name) === undefined && fileType(`template${extname(name)}`) !== undefined;
}

/** A file no finding is reported in. */
const SKIP = { skip: true, filter: new FileFilter(new Map(), [], () => 0) } as const;

/**
 * The filter for one file; `root` is the directory ignore patterns are relative to,
 * `comments` the file's comments when it is JS/TS source (the only place directives
 * are read), else undefined.
 */
export function fileFilter(gate: Gate, root: string, filename: string, text: string, comments: (() => Span[]) | undefined): { skip: boolean; filter: FileFilter } {
  if (isToolingFile(filename)) return SKIP;
  const ignores = ignoresOf(gate);
  const rel = relative(root, filename).split(sep).join('/');
  if (ignores.skips(rel)) return SKIP;
  const dropped = ignores.rulesDropped(rel);
  if (!comments || !text.includes(MARKER)) return { skip: false, filter: new FileFilter(dropped, [], () => 0) };
  const lines = lineStarts(text);
  const lineOf = (offset: number): number => positionAt(lines, offset).line - 1;
  return { skip: false, filter: new FileFilter(dropped, parseDirectives(text, comments(), lineOf), lineOf) };
}
