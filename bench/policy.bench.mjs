// Policy: host lookups must cost the same for 10 entries or 100,000 (a hash walk
// over label suffixes, not a scan), classifying a link must cost less than parsing
// its URL, and loading must stay linear in the number of entries.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostMatcher, classifyLink, loadPolicy } from '../dist/policy/index.js';
import { fmt, machine, msOf, nsPerCall, table } from './lib.mjs';

const entry = (domain, i) => ({ domain, kind: i % 2 ? 'deny' : 'allow', category: 'companies', file: 'bench', line: i + 1, suffix: false });
const generated = (n) => Array.from({ length: n }, (_, i) => entry(`site${i}.zone${i % 1000}.example`, i));

function link(href) {
  const u = new URL(href);
  const host = u.hostname;
  return { start: 0, end: href.length, raw: href, form: 'scheme', folded: [], scheme: u.protocol.slice(0, -1), web: true, url: u.href, host, hostType: 'domain', domain: null, publicSuffix: null, credentials: false, path: u.pathname + u.search };
}

function configWith(n) {
  const cwd = mkdtempSync(join(tmpdir(), 'wg-bench-'));
  const whitelist = Array.from({ length: n }, (_, i) => ({ domain: `shop${i}.brand${i % 997}.com`, source: 'generated', added: '2026-01-01' }));
  writeFileSync(join(cwd, 'weibo-guard.config.json'), JSON.stringify({ whitelist }));
  return cwd;
}

export default async function () {
  const rows = [];
  const row = (what, figure, baseline, target, pass) => {
    const ratio = figure.value / baseline.value;
    rows.push({ what, figure: fmt(figure.value), baseline: baseline.label === '—' ? '—' : `${fmt(baseline.value)} (${baseline.label})`, ratio: Number.isNaN(ratio) ? '—' : `${ratio.toFixed(2)}×`, target, pass });
  };

  // 1. Lookup cost: 10 entries vs 100,000, same hosts (hits, subdomain hits, misses).
  const hosts = [];
  for (let i = 0; i < 10; i++) hosts.push(`site${i}.zone${i}.example`, `www.a.site${i}.zone${i}.example`, `miss${i}.zone${i}.example`, `news.example${i}.com.cn`);
  const inputs = Array.from({ length: 20_000 }, (_, i) => hosts[i % hosts.length]);
  const small = new HostMatcher(generated(10));
  const large = new HostMatcher(generated(100_000));
  for (const m of [small, large]) nsPerCall((h) => m.match(h), inputs, 3); // warm up both
  const nsSmall = nsPerCall((h) => small.match(h), inputs);
  const nsLarge = nsPerCall((h) => large.match(h), inputs);
  row('host lookup, 100,000 entries (ns/lookup)', { value: nsLarge }, { value: nsSmall, label: '10 entries' }, '≤ 2.0×', nsLarge / nsSmall <= 2);

  // What a scan would cost, for scale (informational).
  const all = generated(100_000);
  const scan = (h) => all.find((e) => h === e.domain || h.endsWith(`.${e.domain}`));
  const nsScan = nsPerCall(scan, inputs.slice(0, 200), 3);
  row('linear scan of 100,000 entries (ns/lookup)', { value: nsScan }, { value: nsLarge, label: 'hash walk' }, 'informational', true);

  // 2. classifyLink on the shipped policy vs parsing the same URLs with WHATWG URL.
  const policy = loadPolicy({ cwd: mkdtempSync(join(tmpdir(), 'wg-bench-')) });
  const hrefs = ['https://politics.people.com.cn/n1/2026/1123/c1001.html', 'https://mp.weixin.qq.com/s/abc', 'https://news.qq.com/rain/a/1', 'http://t.cn/A6x', 'https://evilgov.cn/', 'https://www.beijing.gov.cn/zwgk/'];
  const links = Array.from({ length: 20_000 }, (_, i) => link(hrefs[i % hrefs.length]));
  const urls = links.map((l) => l.url);
  nsPerCall((l) => classifyLink(l, policy), links, 3);
  nsPerCall((u) => new URL(u), urls, 3);
  const nsClassify = nsPerCall((l) => classifyLink(l, policy), links);
  const nsUrl = nsPerCall((u) => new URL(u), urls);
  row('classifyLink, shipped policy (ns/link)', { value: nsClassify }, { value: nsUrl, label: 'new URL(href)' }, '≤ 2.0×', nsClassify / nsUrl <= 2);

  // 3. Loading is linear: 100,000 config entries vs 10,000.
  const cwd10k = configWith(10_000);
  const cwd100k = configWith(100_000);
  const ms10k = msOf(() => loadPolicy({ cwd: cwd10k }), 3);
  const ms100k = msOf(() => loadPolicy({ cwd: cwd100k }), 3);
  row('loadPolicy, 100,000 config entries (ms)', { value: ms100k }, { value: ms10k, label: '10,000 entries' }, '≤ 15× (linear = 10×)', ms100k / ms10k <= 15);
  const text = readFileSync(join(cwd100k, 'weibo-guard.config.json'), 'utf8');
  const msParse = msOf(() => JSON.parse(text), 3);
  row('loadPolicy, 100,000 config entries (ms)', { value: ms100k }, { value: msParse, label: 'JSON.parse of the file' }, 'informational', true);
  const empty = mkdtempSync(join(tmpdir(), 'wg-bench-'));
  const msShipped = msOf(() => loadPolicy({ cwd: empty }), 5);
  row('loadPolicy, shipped data only (ms)', { value: msShipped }, { value: NaN, label: '—' }, 'informational', true);

  console.log(`${machine()}\n`);
  return table(rows);
}
