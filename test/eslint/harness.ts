import { Linter } from 'eslint';
import json from '@eslint/json';
import markdown from '@eslint/markdown';
import yml from 'eslint-plugin-yml';
import tseslint from 'typescript-eslint';
import { jsVisitors } from '../../src/eslint/languages/js.js';
import { jsonVisitors } from '../../src/eslint/languages/json.js';
import { markdownVisitors } from '../../src/eslint/languages/markdown.js';
import type { Sink, SourceLike, Visitors } from '../../src/eslint/languages/shared.js';
import { yamlVisitors } from '../../src/eslint/languages/yaml.js';
import { findingRange, rangeOf, type PayloadSite, type StringSite } from '../../src/sites/model.js';
import type { Span } from '../../src/findings.js';

export type Lang = 'js' | 'ts' | 'json' | 'yaml' | 'markdown';

/** Language setup per file kind, shared by the extraction tests and the RuleTester suites. */
export const languageConfig: Record<Lang, { file: string; config: Linter.Config }> = {
  js: { file: 'file.js', config: {} },
  ts: { file: 'file.ts', config: { languageOptions: { parser: tseslint.parser as Linter.Parser } } },
  json: { file: 'file.json', config: { plugins: { json }, language: 'json/jsonc', languageOptions: { allowTrailingCommas: true } } },
  yaml: { file: 'file.yaml', config: { plugins: { yml }, language: 'yml/yaml' } },
  markdown: { file: 'file.md', config: { plugins: { markdown }, language: 'markdown/commonmark' } },
};

const visitorsOf: Record<Lang, (source: SourceLike, sink: Sink) => Visitors> = {
  js: jsVisitors,
  ts: jsVisitors,
  json: jsonVisitors,
  yaml: yamlVisitors,
  markdown: markdownVisitors,
};

export interface Seen {
  strings: Array<{ site: StringSite; kind: 'text' | 'url' }>;
  payloads: PayloadSite[];
  source: SourceLike;
}

/** Runs one language's visitors over `code` with a recording sink: what the rules would judge. */
export function extract(lang: Lang, code: string): Seen {
  const seen: Seen = { strings: [], payloads: [], source: undefined as unknown as SourceLike };
  const sink: Sink = {
    isPayload: (v) => typeof v === 'object' && v !== null && ['text', 'articles', 'position'].includes((v as { type?: unknown }).type as string) && 'data' in v,
    string: (site) => void seen.strings.push({ site, kind: site.kind }),
    payload: (site) => void seen.payloads.push(site),
  };
  const probe = {
    rules: {
      sites: {
        create(context: { sourceCode: unknown }) {
          seen.source = context.sourceCode as SourceLike;
          return visitorsOf[lang](seen.source, sink);
        },
      },
    },
  };
  const { file, config } = languageConfig[lang];
  const messages = new Linter().verify(
    code,
    [{ files: [`**/${file}`], ...config, plugins: { ...config.plugins, probe: probe as never }, rules: { 'probe/sites': 'error' } }],
    file,
  );
  const fatal = messages.find((m) => m.fatal || m.ruleId === null || m.ruleId === 'probe/sites');
  if (fatal) throw new Error(`${file}: ${fatal.message}`);
  return seen;
}

/** The source text a range covers. */
export function textAt(seen: Seen, range: readonly [number, number]): string {
  return seen.source.text.slice(range[0], range[1]);
}

const pair = (r: Span): [number, number] => [r.start, r.end];

/** Where a value span of a string site points, as `[start, end)`. */
export function spanRange(site: StringSite, span: Span | undefined): [number, number] {
  return pair(rangeOf(site.map, span));
}

/** Where a finding at a payload path points, as `[start, end)`. */
export function payloadRange(site: PayloadSite, f: { path: string; span?: Span }): [number, number] {
  return pair(findingRange(site, f));
}

/** The whole source of a string site, as `[start, end)`. */
export function whole(site: StringSite): [number, number] {
  return pair(site.map.whole);
}
