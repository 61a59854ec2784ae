import type { Channel } from '../context.js';
import { deepFreeze, ReadonlyMapView } from './frozen.js';
import type { CompetitorsFile, Directives, Surface, Term } from './schema.js';

/**
 * The one normalisation for names and the text they are looked for in: NFKC folds
 * full-width letters and digits (ＶＸ → VX, ＋ → +), lower-case folds Latin case.
 * Spans in the original text are the checker's job (NFKC can change lengths).
 */
export function normalizeTerm(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export interface CompiledTerm {
  /** As written in rules/competitors.yaml. */
  readonly text: string;
  /** normalizeTerm(text): what a checker compares against normalised text. */
  readonly normalized: string;
  readonly kind: 'name' | 'alias' | 'homophone';
  /** Short or everyday words (`v`, `dy`, 头条): only evidence next to a call to action or an ID. */
  readonly ambiguous: boolean;
}

/** A deep link a competitor's app opens that is allowed anyway in some channels. */
export interface UrlException {
  readonly prefix: string;
  readonly channels: readonly Channel[];
  readonly note: string;
  /** The note as Chinese messages say it. */
  readonly noteZh: string;
  readonly file: string;
  readonly line: number;
}

export interface CompiledCompetitorService {
  readonly id: string;
  readonly name: string;
  /** The name Chinese messages use (微信). */
  readonly nameZh: string;
  readonly note: string;
  /** Unambiguous names, aliases and homophones, normalised: safe to flag on their own. */
  readonly names: readonly string[];
  /** Ambiguous ones, normalised: flag only next to a call to action or an ID pattern. */
  readonly ambiguousNames: readonly string[];
  readonly terms: readonly CompiledTerm[];
  readonly domains: readonly string[];
  readonly cdn: readonly string[];
  readonly schemes: readonly string[];
  /** Normalised words that introduce an account ID (微信号, wechat id). */
  readonly idPatterns: readonly string[];
  /** Surfaces (朋友圈, 抖店): `weak` ones (小程序) count only with a directive and no other platform's name attached. */
  readonly surfaces: readonly { readonly text: string; readonly normalized: string; readonly weak: boolean }[];
  /** Normalised uses that only name the service (微信支付). */
  readonly mentionsOnly: readonly string[];
  /** Names whose pinyin generates homophones (strong context only). */
  readonly homophonesOf: readonly string[];
  readonly channelExceptions: readonly { domain?: string; url?: string; paths?: readonly string[]; channels: readonly Channel[]; note: string; noteZh: string }[];
  readonly file: string;
  readonly line: number;
}

export interface CompiledCompetitors {
  readonly services: readonly CompiledCompetitorService[];
  readonly byId: ReadonlyMap<string, CompiledCompetitorService>;
  /** App scheme (`weixin`) → the service whose app it opens. */
  readonly schemes: ReadonlyMap<string, CompiledCompetitorService>;
  /** Scheme → deep-link prefixes allowed in some channels (mini-programs in ads). */
  readonly urlExceptions: ReadonlyMap<string, readonly UrlException[]>;
  /** Normalised call-to-action phrases (加, 扫码, follow, add us on). */
  readonly callsToAction: { readonly zh: readonly string[]; readonly en: readonly string[] };
  /** Normalised words of the promotion grammar, per kind and language. */
  readonly directives: { readonly [K in keyof Directives]: { readonly zh: readonly string[]; readonly en: readonly string[] } };
  /** Normalised names of platforms that are not competitors (支付宝). */
  readonly notCompetitors: readonly string[];
  /** Normalised everyday words containing a service name (加快手续). */
  readonly everydayWords: readonly string[];
}

function compileTerm(term: Term, kind: CompiledTerm['kind']): CompiledTerm {
  const { text, ambiguous } = typeof term === 'string' ? { text: term, ambiguous: false } : term;
  return { text, normalized: normalizeTerm(text), kind, ambiguous };
}

const unique = <T>(items: Iterable<T>): T[] => [...new Set(items)];

/** Lines come from the loader's locator: `lineOf(['services', 3])`. */
export function compileCompetitors(data: CompetitorsFile, file: string, lineOf: (path: Array<string | number>) => number): CompiledCompetitors {
  const urlExceptions = new Map<string, UrlException[]>();
  const services = data.services.map((s, i): CompiledCompetitorService => {
    const terms = [
      ...s.names.map((t) => compileTerm(t, 'name')),
      ...s.aliases.map((t) => compileTerm(t, 'alias')),
      ...s.homophones.map((t) => compileTerm(t, 'homophone')),
    ];
    s.exceptions.forEach((e, j) => {
      if (e.url === undefined) return;
      const scheme = e.url.slice(0, e.url.indexOf(':'));
      const list = urlExceptions.get(scheme) ?? [];
      list.push({ prefix: e.url, channels: [...e.channels], note: e.note, noteZh: e.noteZh, file, line: lineOf(['services', i, 'exceptions', j]) });
      urlExceptions.set(scheme, list);
    });
    return {
      id: s.id,
      name: s.name,
      nameZh: s.nameZh,
      note: s.note,
      names: unique(terms.filter((t) => !t.ambiguous).map((t) => t.normalized)),
      ambiguousNames: unique(terms.filter((t) => t.ambiguous).map((t) => t.normalized)),
      terms,
      domains: [...s.domains],
      cdn: [...s.cdn],
      schemes: [...s.schemes],
      idPatterns: unique(s.idPatterns.map(normalizeTerm)),
      surfaces: s.surfaces.map((x: Surface) => {
        const { text, weak } = typeof x === 'string' ? { text: x, weak: false } : x;
        return { text, normalized: normalizeTerm(text), weak };
      }),
      mentionsOnly: unique(s.mentionsOnly.map(normalizeTerm)),
      homophonesOf: [...s.homophonesOf],
      channelExceptions: s.exceptions.map((e) => ({ ...e })),
      file,
      line: lineOf(['services', i]),
    };
  });
  const directives = {} as Record<keyof Directives, { zh: string[]; en: string[] }>;
  for (const k of Object.keys(data.directives) as Array<keyof Directives>) {
    directives[k] = { zh: unique(data.directives[k].zh.map(normalizeTerm)), en: unique(data.directives[k].en.map(normalizeTerm)) };
  }
  return deepFreeze({
    services,
    byId: new ReadonlyMapView(services.map((s) => [s.id, s])),
    schemes: new ReadonlyMapView(services.flatMap((s) => s.schemes.map((scheme) => [scheme, s] as const))),
    urlExceptions: new ReadonlyMapView(urlExceptions),
    callsToAction: {
      zh: unique(data.callsToAction.zh.map(normalizeTerm)),
      en: unique(data.callsToAction.en.map(normalizeTerm)),
    },
    directives,
    notCompetitors: unique(data.notCompetitors.map(normalizeTerm)),
    everydayWords: unique(data.everydayWords.map(normalizeTerm)),
  });
}
