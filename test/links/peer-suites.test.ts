import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findLinks } from '../../src/links/index.js';
import { peerPath } from '../peer.js';

/**
 * Peer suites run through findLinks, case by case. Where the project deliberately
 * differs, the case is listed below with what we return and why; every other case
 * must agree. Suites are read from ../shared/peer-suites (never copied here).
 */
const peer = peerPath;

const WHY = {
  anyHost:
    'written with a scheme, any host a browser opens counts (linkify agrees: http://inrgess2, http://example.invalid); the policy refuses what it cannot place',
  browserHost: 'WHATWG URL and browsers accept `-` and `_` at label edges; a link a browser opens is checked, not dropped',
  unparsed: 'a written URL no parser accepts is still shown to the reader as a link: reported with url null so the policy refuses it',
  hashtag:
    'Weibo topics are `#话题#` pairs and links glued after the closing `#` are common (`#话题#http://t.cn/x`): `#` hides no link; `@http://…` is still tappable; `@test.com` stays excluded',
  tco: "t.co rules (slug length, trailing 's, -, +c, .x, #a) describe Twitter's shortener; on Weibo those are ordinary path characters",
  needsTld: 'a scheme-less host counts only with a real public suffix, so report.pdf and Vue.js are not links; //localhost is not either',
  quote: '`"` ends a link: browsers percent-encode it, and in Chinese and markup text it closes the quote around the link',
  email: 'an e-mail address is contact information, not a link to follow (twitter-text decides the same); mailto: written out is reported',
  symbolHost: 'a scheme-less host starts with a letter or digit; a symbol host is found with a scheme (http://✪df.ws/123 agrees)',
  cjkEndsPath: 'a CJK character ends a path: glued Chinese text is not part of the URL (详情见weibo.com/u/1谢谢)',
  anyScheme: 'any `scheme://` may be an app link (weixin://, snssdk1128://): reported as a non-web scheme for the policy to refuse',
  port: 'the host stays readable text a reader can type; the impossible port is left out of the span',
  mailto: 'mailto: is a scheme a reader can tap: reported as a non-web link',
} as const;

interface Differ {
  ours: string[];
  why: string;
}

const TWITTER_DIFFERS: Record<string, Differ> = {
  'text http://no-tld': { ours: ['http://no-tld'], why: WHY.anyHost },
  'text http://tld-too-short.x': { ours: ['http://tld-too-short.x'], why: WHY.anyHost },
  'text http://domain.com-that-you-should-have-put-a-space-after': { ours: ['http://domain.com-that-you-should-have-put-a-space-after'], why: WHY.anyHost },
  'Hello http://xn--はじめよう.com/index.html': { ours: ['http://xn--はじめよう.com/index.html'], why: WHY.unparsed },
  'text http://domain-dash_2314352345_dfasd.foo-cow_4352.com': { ours: ['http://domain-dash_2314352345_dfasd.foo-cow_4352.com'], why: WHY.browserHost },
  'test http://-leadingdash.twitter.com': { ours: ['http://-leadingdash.twitter.com'], why: WHY.browserHost },
  'test http://leadingdash.-twitter.com': { ours: ['http://leadingdash.-twitter.com'], why: WHY.browserHost },
  'test http://trailingdash-.twitter.com': { ours: ['http://trailingdash-.twitter.com'], why: WHY.browserHost },
  'test http://trailingdash.twitter-.com': { ours: ['http://trailingdash.twitter-.com'], why: WHY.browserHost },
  'test http://_leadingunderscore.twitter.com': { ours: ['http://_leadingunderscore.twitter.com'], why: WHY.browserHost },
  'test http://leadingunderscore._twitter.com': { ours: ['http://leadingunderscore._twitter.com'], why: WHY.browserHost },
  'test http://trailingunderscore_.twitter.com': { ours: ['http://trailingunderscore_.twitter.com'], why: WHY.browserHost },
  'test http://trailingunderscore.twitter_.com': { ours: ['http://trailingunderscore.twitter_.com'], why: WHY.browserHost },
  'test http://-twitter.com': { ours: ['http://-twitter.com'], why: WHY.browserHost },
  'test http://twitter-.com': { ours: ['http://twitter-.com'], why: WHY.browserHost },
  'test http://twitter_underscore.com': { ours: ['http://twitter_underscore.com'], why: WHY.browserHost },
  'test http://twitter.c_o_m': { ours: ['http://twitter.c_o_m'], why: WHY.browserHost },
  '#test.com @test.com #http://test.com @http://test.com #t.co/abcde @t.co/abcde': {
    ours: ['test.com', 'http://test.com', 'http://test.com', 't.co/abcde'],
    why: WHY.hashtag,
  },
  "I really like http://t.co/pbY2NfTZ's website": { ours: ["http://t.co/pbY2NfTZ's"], why: WHY.tco },
  "Check this site out http://t.co/FNkPfmii- it's great": { ours: ['http://t.co/FNkPfmii-'], why: WHY.tco },
  'I really like http://t.co/abcdefghijklmnopqrstuvwxyz012345678901234': { ours: ['http://t.co/abcdefghijklmnopqrstuvwxyz012345678901234'], why: WHY.tco },
  "http://t.co/pbY2NfTZ's http://t.co/2vYHpAc5; http://t.co/ulYGBYSo: http://t.co/8MkmHU0k+c http://t.co/TKLp64dY.x http://t.co/8t7G3ddS#a http://t.co/FNkPfmii-":
    {
      ours: [
        "http://t.co/pbY2NfTZ's",
        'http://t.co/2vYHpAc5',
        'http://t.co/ulYGBYSo',
        'http://t.co/8MkmHU0k+c',
        'http://t.co/TKLp64dY.x',
        'http://t.co/8t7G3ddS#a',
        'http://t.co/FNkPfmii-',
      ],
      why: WHY.tco,
    },
};

const EMAILS = [
  '<user@domain.com>',
  '<user@domain.com>.',
  'test."foo".bar@gmail.co.uk!',
  '"test@example.com"',
  'name@example.com',
  '>>name@example.com % markdown blockquote',
  'foo+bar@gmail.com',
  '192.168.1.1@gmail.com',
  '(foobar email@example.com)',
  '(email@example.com foobar)',
  '(email@example.com)',
  '｜test@google.com｜bar',
];

const LINKIFY_LINK_DIFFERS: Record<string, Differ> = {
  '//localhost': { ours: [], why: WHY.needsTld },
  '//test.123': { ours: [], why: WHY.needsTld },
  'http://foo.com/blah_blah_"doublequoted"': { ours: ['http://foo.com/blah_blah_'], why: WHY.quote },
  '➡.ws/䨹': { ours: [], why: WHY.symbolHost },
  'example.com/䨹': { ours: ['example.com/'], why: WHY.cjkEndsPath },
  ...Object.fromEntries(EMAILS.map((e) => [e, { ours: [], why: WHY.email }])),
};

const LINKIFY_NOT_LINK_DIFFERS: Record<string, Differ> = {
  'http://-example.com': { ours: ['http://-example.com'], why: WHY.browserHost },
  'http://example.com_': { ours: ['http://example.com_'], why: WHY.browserHost },
  'hppt://example.com': { ours: ['hppt://example.com'], why: WHY.anyScheme },
  'google.com:500000 // invalid port': { ours: ['google.com'], why: WHY.port },
  'mailto:bar': { ours: ['mailto:bar'], why: WHY.mailto },
};

interface Tally {
  agree: number;
  differ: number;
  total: number;
}
const tallies: Record<string, Tally> = {};
const used = new Set<string>();

function tally(suite: string, outcome: 'agree' | 'differ'): void {
  const t = (tallies[suite] ??= { agree: 0, differ: 0, total: 0 });
  t[outcome]++;
  t.total++;
}

function raws(text: string): string[] {
  return findLinks(text).map((l) => l.raw);
}

/** twitter-text counts code points; we count UTF-16 units. Convert theirs to ours. */
function codePointToUtf16(text: string, cp: number): number {
  let units = 0;
  let n = 0;
  for (const ch of text) {
    if (n === cp) break;
    units += ch.length;
    n++;
  }
  return units;
}

interface TwitterCase {
  description: string;
  text: string;
  expected: unknown;
}
const extract = parse(readFileSync(peer('twitter-text/extract.yml'), 'utf8')) as { tests: Record<string, TwitterCase[]> };

function checkDiffer(table: Record<string, Differ>, suite: string, text: string, got: string[]): boolean {
  const d = table[text];
  if (d === undefined) return false;
  used.add(`${suite}\u0000${text}`);
  expect(d.why.length).toBeGreaterThan(0);
  expect(got).toEqual(d.ours);
  tally(suite, 'differ');
  return true;
}

describe('twitter-text extract.yml: urls', () => {
  const cases = extract.tests['urls'] ?? [];
  it('has the cases the README promises', () => expect(cases.length).toBe(91));
  for (const c of cases) {
    it(c.description, () => {
      const got = raws(c.text);
      if (checkDiffer(TWITTER_DIFFERS, 'twitter urls', c.text, got)) return;
      expect(got).toEqual(c.expected);
      tally('twitter urls', 'agree');
    });
  }
});

describe('twitter-text extract.yml: urls_with_indices (code points converted to UTF-16)', () => {
  const cases = extract.tests['urls_with_indices'] ?? [];
  it('is not empty', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) {
    it(c.description, () => {
      const expected = c.expected as { url: string; indices: [number, number] }[];
      const links = findLinks(c.text);
      if (checkDiffer(TWITTER_DIFFERS, 'twitter urls_with_indices', c.text, links.map((l) => l.raw))) return;
      expect(links.map((l) => [l.raw, l.start, l.end])).toEqual(
        expected.map((e) => [e.url, codePointToUtf16(c.text, e.indices[0]), codePointToUtf16(c.text, e.indices[1])]),
      );
      tally('twitter urls_with_indices', 'agree');
    });
  }
});

describe('twitter-text extract.yml: the other URL sections (bidi marks, t.co parameters)', () => {
  for (const section of ['urls_with_directional_markers', 'tco_urls_with_params']) {
    const cases = extract.tests[section] ?? [];
    it(`${section} is not empty`, () => expect(cases.length).toBeGreaterThan(0));
    for (const c of cases) {
      it(c.description, () => {
        const expected = (c.expected as (string | { url: string; indices: [number, number] })[]).map((e) =>
          typeof e === 'string' ? [e] : [e.url, codePointToUtf16(c.text, e.indices[0]), codePointToUtf16(c.text, e.indices[1])],
        );
        const got = findLinks(c.text).map((l) => (expected[0]?.length === 1 ? [l.raw] : [l.raw, l.start, l.end]));
        expect(got).toEqual(expected);
        tally(`twitter ${section}`, 'agree');
      });
    }
  }
});

/** linkify-it's own reading of links.txt: `%` lines are comments, a non-blank next line is the expected link. */
function linkifyCases(): { line: number; text: string; expected: string }[] {
  const lines = readFileSync(peer('linkify-it/links.txt'), 'utf8').split(/\r?\n/g);
  const out: { line: number; text: string; expected: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] as string).replace(/^%.*/, '');
    if (!text.trim()) continue;
    const next = (lines[i + 1] ?? '').replace(/^%.*/, '');
    if (next.trim()) {
      out.push({ line: i + 1, text, expected: next });
      i++;
    } else out.push({ line: i + 1, text, expected: text });
  }
  return out;
}

describe('linkify-it links.txt (first link found is the expected one)', () => {
  const cases = linkifyCases();
  it('is not empty', () => expect(cases.length).toBeGreaterThan(100));
  for (const c of cases) {
    it(`line ${c.line}: ${c.text}`, () => {
      const got = raws(c.text);
      if (checkDiffer(LINKIFY_LINK_DIFFERS, 'linkify links', c.text, got)) return;
      expect(got[0]).toBe(c.expected);
      tally('linkify links', 'agree');
    });
  }
});

describe('linkify-it not_links.txt (nothing found)', () => {
  const lines = readFileSync(peer('linkify-it/not_links.txt'), 'utf8')
    .split(/\r?\n/g)
    .map((l) => l.replace(/^%.*/, ''))
    .filter((l) => l.trim());
  it('is not empty', () => expect(lines.length).toBeGreaterThan(30));
  for (const text of lines) {
    it(text, () => {
      const got = raws(text);
      if (checkDiffer(LINKIFY_NOT_LINK_DIFFERS, 'linkify not_links', text, got)) return;
      expect(got).toEqual([]);
      tally('linkify not_links', 'agree');
    });
  }
});

afterAll(() => {
  // Every listed difference must still be a case of its suite (no stale excuses).
  const listed = [
    ...Object.keys(TWITTER_DIFFERS).map((t) => [t, ['twitter urls', 'twitter urls_with_indices']] as const),
    ...Object.keys(LINKIFY_LINK_DIFFERS).map((t) => [t, ['linkify links']] as const),
    ...Object.keys(LINKIFY_NOT_LINK_DIFFERS).map((t) => [t, ['linkify not_links']] as const),
  ];
  const stale = listed.filter(([t, suites]) => !suites.some((s) => used.has(`${s}\u0000${t}`))).map(([t]) => t);
  expect(stale).toEqual([]);
  console.log('peer-suite agreement (agree / deliberately differ / total):');
  for (const [suite, t] of Object.entries(tallies)) console.log(`  ${suite}: ${t.agree} / ${t.differ} / ${t.total}`);
});
