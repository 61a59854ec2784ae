import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ContextInput } from '../context.js';
import type { Finding, Span } from '../findings.js';
import { templatePayloadFindings } from '../checks/templates.js';
import type { Gate } from '../gate.js';
import type { PolicyWarning } from '../policy/index.js';
import { lineStarts, positionAt } from '../sites/decode.js';
import { Dedupe, findingRange, own, place, wholeOf, type Placed, type Site } from '../sites/model.js';
import { FileFilter, Ignores, MARKER, parseDirectives, type Suppression } from '../sites/suppress.js';
import { dataSites, type DataNode } from './extract/data.js';
import { JsonSyntaxError, parseJsonc } from './extract/json.js';
import { markdownSites, textSites } from './extract/markdown.js';
import { TsProgram } from './extract/ts/bind.js';
import { commentRanges, extractTs } from './extract/ts/sites.js';
import { parseYaml, YamlSyntaxError } from './extract/yaml.js';
import { listFiles, type AuditFile } from './files.js';
import { isOwnOutput } from './own-output.js';
import type { AuditResult, ContextLine, ReportFinding, SuppressedFinding } from './model.js';

/** What the audit needs from the engine: a Gate (`createGate`) satisfies it. */
export type AuditEngine = Pick<Gate, 'check' | 'checkText' | 'checkUrl'> & {
  readonly policy?: {
    readonly config: { readonly ignore: ReadonlyArray<{ path: string; rule?: string | undefined; reason: string }> };
    readonly warnings?: readonly PolicyWarning[];
  };
};

export interface AuditOptions {
  /** The audited root: file names in reports and ignore patterns are relative to it. */
  root: string;
  /** Files or folders under the root; default the whole root. */
  paths?: string[];
  engine: AuditEngine;
  /** The engine's payload shape test (the package's `looksLikePayload`). */
  looksLikePayload: (value: unknown) => boolean;
  context?: ContextInput;
  /** Language of the `message` field; both are kept in `messages`. Default English. */
  lang?: 'en' | 'zh';
  /** Files larger than this are refused with a finding rather than read. Default 4 MiB. */
  maxFileBytes?: number;
  /** Absolute paths never read (the audit's own baseline and report files). */
  skip?: string[];
  /** Called after each file (a progress bar). */
  onProgress?: (done: number, total: number) => void;
}

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** A report shows at most this much of the offending text; the location still covers all of it. */
const MAX_TEXT = 500;
const MAX_CONTEXT_LINE = 240;

/**
 * Audits every template under the root: extracts what a reader would see from
 * each file, judges it with the one engine, and places every finding on the exact
 * source characters. Findings silenced by a suppression or the config are counted,
 * not returned.
 */
export function runAudit(opts: AuditOptions): AuditResult {
  const root = resolve(opts.root);
  const ignores = opts.engine.policy?.config.ignore ?? [];
  const files = listFiles({ root, ...(opts.paths ? { paths: opts.paths } : {}), ...(opts.skip ? { skip: opts.skip } : {}), exclude: ignores.filter((i) => !i.rule).map((i) => i.path) });
  const ruleIgnores = new Ignores(ignores.filter((i) => i.rule));
  const texts = new Map<string, string | undefined>();
  const byAbs = new Map(files.map((f) => [f.abs, f]));
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_BYTES;
  const problems = new Map<string, Placed>();

  /** Reads a file once; undefined (and a finding) when it is too big or not UTF-8. */
  const read = (abs: string): string | undefined => {
    if (texts.has(abs)) return texts.get(abs);
    let text: string | undefined;
    try {
      const size = statSync(abs).size;
      if (size > maxBytes) {
        problems.set(abs, own('audit/file-too-large', 'error', `File is ${size} bytes, over the audit's limit of ${maxBytes}; it was not checked. Split it, or raise the limit with --max-file-bytes.`, `文件大小 ${size} 字节，超过审计上限 ${maxBytes}，未检查。请拆分文件或用 --max-file-bytes 调高上限。`, { start: 0, end: 0 }));
      } else {
        text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(abs));
        if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1); // keep offsets; a BOM is not content
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA' ? undefined : (err as NodeJS.ErrnoException).code;
      problems.set(abs, own('audit/unreadable', 'error', code ? `Cannot read this file (${code}).` : 'This file is not valid UTF-8; it was not checked.', code ? `无法读取此文件（${code}）。` : '此文件不是有效的 UTF-8 编码，未检查。', { start: 0, end: 0 }));
    }
    texts.set(abs, text);
    return text;
  };

  const program = new TsProgram((abs) => (byAbs.get(abs)?.type === 'ts' ? read(abs) : undefined));
  const cache = new Map<string, Finding[]>();
  const judgeString = (as: 'text' | 'url', text: string): Finding[] => {
    const key = `${as}\0${text}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = as === 'url' ? opts.engine.checkUrl(text, opts.context) : opts.engine.checkText(text, opts.context);
      if (cache.size > 100_000) cache.clear();
      cache.set(key, hit);
    }
    return hit;
  };

  const out: ReportFinding[] = [];
  const suppressions: SuppressedFinding[] = [];
  let ownOutputs = 0;
  files.forEach((file, index) => {
    const text = read(file.abs);
    if (text !== undefined && file.type === 'json' && isOwnOutput(text)) {
      ownOutputs++;
      texts.delete(file.abs);
      opts.onProgress?.(index + 1, files.length);
      return;
    }
    const placed: Placed[] = [];
    if (text !== undefined) {
      const { sites, own: extra } = extract(file, text, program, opts.looksLikePayload);
      for (const p of extra) placed.push(p);
      for (const site of sites) {
        try {
          for (const f of judge(site, judgeString, opts)) placed.push(place(f, findingRange(site, f)));
        } catch (err) {
          // One string the engine cannot handle must not cost the other 9,999 files their report.
          const why = err instanceof Error ? err.message : String(err);
          placed.push(own('audit/engine-error', 'error', `The checks failed on this text (${why}); it was not checked. Please report this.`, '检查此文本时出错，未完成检查。请报告此问题。', wholeOf(site)));
        }
      }
    } else placed.push(problems.get(file.abs)!);
    const src = text ?? '';
    const starts = lineStarts(src);
    const lineOf = (offset: number): number => positionAt(starts, offset).line - 1;
    const directives = file.type === 'ts' && src.includes(MARKER) ? parseDirectives(src, commentsOf(program, file), lineOf) : [];
    const filter = new FileFilter(ruleIgnores.rulesDropped(file.rel), directives, lineOf);
    const dedupe = new Dedupe();
    const kept: Placed[] = [];
    const silenced: Placed[] = [];
    const why: Suppression[] = [];
    const silence = (p: Placed, s: Suppression) => {
      silenced.push(p);
      why.push(s);
    };
    for (const p of placed) {
      const s = filter.silenced(p.rule, p.range.start);
      if (s) silence(p, s);
      else if (dedupe.first(p.rule, p.range, p.message.en)) kept.push(p);
    }
    for (const p of filter.leftovers()) {
      const s = filter.drops(p.rule);
      if (s) silence(p, s);
      else kept.push(p);
    }
    for (const f of report(file, src, starts, kept, opts.lang ?? 'en')) out.push(f);
    if (silenced.length > 0) {
      const reasons = new Map(silenced.map((p, i) => [p, why[i]!]));
      for (const f of report(file, src, starts, silenced, opts.lang ?? 'en', reasons)) suppressions.push(f as SuppressedFinding);
    }
    texts.delete(file.abs);
    if (file.type === 'ts') program.release(file.abs);
    opts.onProgress?.(index + 1, files.length);
  });
  const warnings = opts.engine.policy?.warnings ?? [];
  return { root, files: files.length - ownOutputs, findings: out, suppressed: suppressions.length, suppressions, baselined: 0, ...(warnings.length > 0 ? { warnings } : {}) };
}

function commentsOf(program: TsProgram, file: AuditFile): Span[] {
  const mod = program.module(file.abs);
  return mod ? commentRanges(mod) : [];
}

/** The reader for the file's format: each hands back sites, and findings of its own (a file it cannot read). */
function extract(file: AuditFile, text: string, program: TsProgram, looksLikePayload: (v: unknown) => boolean): { sites: Site[]; own: Placed[] } {
  try {
    switch (file.type) {
      case 'ts': {
        const mod = program.module(file.abs);
        return mod ? extractTs(program, mod, { looksLikePayload }) : { sites: [], own: [] };
      }
      case 'json':
        return { sites: dataSites(parseJsonc(text), looksLikePayload), own: [] };
      case 'yaml':
        return { sites: parseYaml(text).flatMap((doc: DataNode) => dataSites(doc, looksLikePayload)), own: [] };
      case 'markdown':
        return { sites: markdownSites(text), own: [] };
      case 'text':
        return { sites: textSites(text), own: [] };
    }
  } catch (err) {
    if (err instanceof JsonSyntaxError || err instanceof YamlSyntaxError) {
      const at = Math.min(err.offset, text.length);
      const what = file.type === 'json' ? 'JSON' : 'YAML';
      return {
        sites: [],
        own: [own('audit/unreadable', 'error', `Not valid ${what}: ${err.message}. Nothing in this file was checked.`, `不是有效的 ${what}，此文件未检查。`, { start: at, end: Math.min(at + 1, text.length) })],
      };
    }
    throw err;
  }
}

function judge(site: Site, judgeString: (as: 'text' | 'url', text: string) => Finding[], opts: AuditOptions): Finding[] {
  if (site.kind !== 'payload') return judgeString(site.kind, site.value);
  return templatePayloadFindings((v) => opts.engine.check(v, opts.context), site.value, site.unknown);
}

function report(file: AuditFile, text: string, starts: Int32Array, placed: Placed[], lang: 'en' | 'zh', suppressed?: ReadonlyMap<Placed, Suppression>): ReportFinding[] {
  const occurrences = new Map<string, number>();
  const sorted = [...placed].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  return sorted.map((p) => {
    const start = positionAt(starts, p.range.start);
    const end = positionAt(starts, p.range.end);
    const raw = text.slice(p.range.start, p.range.end);
    const shown = raw.length > MAX_TEXT ? `${raw.slice(0, MAX_TEXT)}…` : raw;
    const key = `${p.rule}\0${file.rel}\0${raw}`;
    const n = occurrences.get(key) ?? 0;
    occurrences.set(key, n + 1);
    const f: ReportFinding = {
      file: file.rel,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      rule: p.rule,
      severity: p.severity,
      message: p.message[lang],
      text: shown,
      messages: p.message,
      fingerprint: fingerprint(p.rule, file.rel, raw, n),
      context: contextLines(text, starts, p.range),
    };
    if (p.evidence) f.evidence = p.evidence;
    const why = suppressed?.get(p);
    if (why) Object.assign(f, { reason: why.reason, by: why.by });
    return f;
  });
}

/** 16 hex digits of SHA-256 over what identifies a finding regardless of the lines around it. */
function fingerprint(rule: string, file: string, text: string, occurrence: number): string {
  return createHash('sha256').update(`${rule}\0${file}\0${text}\0${occurrence}`).digest('hex').slice(0, 16);
}

/** The finding's lines (at most 5) with one line either side; long lines cut to a window around the mark. */
function contextLines(text: string, starts: Int32Array, range: Span): ContextLine[] {
  if (text === '') return [];
  const first = positionAt(starts, range.start).line - 1;
  const last = Math.min(positionAt(starts, Math.max(range.start, range.end - 1)).line - 1, first + 4);
  const out: ContextLine[] = [];
  for (let li = Math.max(0, first - 1); li <= Math.min(starts.length - 1, last + 1); li++) {
    const ls = starts[li]!;
    let le = li + 1 < starts.length ? starts[li + 1]! : text.length;
    while (le > ls && (text[le - 1] === '\n' || text[le - 1] === '\r')) le--;
    const inMark = li >= first && li <= last;
    let ms = inMark ? Math.max(range.start, ls) - ls : 0;
    let me = inMark ? Math.min(Math.max(range.end, range.start), le) - ls : 0;
    let from = 0;
    let lineText = text.slice(ls, le);
    if (lineText.length > MAX_CONTEXT_LINE) {
      from = inMark ? Math.max(0, Math.min(ms - 40, lineText.length - MAX_CONTEXT_LINE)) : 0;
      lineText = lineText.slice(from, from + MAX_CONTEXT_LINE);
      ms = Math.max(0, ms - from);
      me = Math.min(lineText.length, me - from);
    }
    const line: ContextLine = { line: li + 1, text: lineText };
    if (inMark) line.mark = [ms, Math.max(ms, me)];
    out.push(line);
  }
  return out;
}
