// Links: findLinks on realistic ~280-character Chinese replies holding two links
// each, against linkify-it (fuzzyLink on, default schemas) on the same texts in the
// same run; then the scan rate at 1 MB and 2 MB, which must stay flat (linear).
import { LinkifyIt } from 'linkify-it';
import { findLinks } from '../dist/links/index.js';
import { alternate, fastest, fmt, machine, median, msOnce, nsPerCall, table } from './lib.mjs';

const pad = (s, n = 280) => {
  // Fill with ordinary reply text to about n characters, links kept where written.
  const filler = '感谢您一直以来对我们的支持与关注，我们会认真对待每一条留言并尽快回复您。';
  let out = s;
  while (out.length < n) out += filler.slice(0, Math.min(filler.length, n - out.length));
  return out;
};

/** Two links in each; written the ways Weibo users write them. */
export const REPLIES = [
  // Bare hosts glued to Chinese text on both sides.
  pad('您好！本次活动的详细规则请访问example.com领取优惠券，另外您也可以关注我们的官方微博，详情见weibo.com/u/1234567谢谢您的耐心等待。'),
  // Scheme URLs ending at full-width punctuation.
  pad('亲爱的用户您好，活动页面：https://www.people.com.cn/n1/2026/1123/c1001.html，报名入口http://t.cn/A6abcDE。如有疑问请随时私信我们。'),
  // Full-width brackets and quotes around links.
  pad('您反馈的问题我们已经记录（详见www.example.com.cn）。也可以打开「https://m.weibo.cn/status/4981234567」查看最新的处理进度。'),
  // A link after a topic and one before a full-width comma.
  pad('#双十一活动#https://t.cn/A6x8Qz 点击进入会场，领取红包请前往news.qq.com/a/20261123，数量有限先到先得。'),
  // Plain spacing, the easy case for every linkifier.
  pad('您好，新品介绍在 https://www.example.com/products/new 页面，售后政策请看 https://help.example.com/policy 谢谢。'),
];

/** Realistic bulk text: replies back to back until `bytes` characters. */
function bulk(chars) {
  let out = '';
  for (let i = 0; out.length < chars; i++) out += REPLIES[i % REPLIES.length];
  return out.slice(0, chars);
}

export default async function () {
  const rows = [];
  const row = (what, figure, baseline, baseLabel, target, pass) => {
    const ratio = Number.isNaN(baseline) || baseline === 0 ? '—' : `${(figure / baseline).toFixed(2)}×`;
    rows.push({ what, figure: fmt(figure), baseline: `${fmt(baseline)} (${baseLabel})`, ratio, target, pass });
  };

  const linkify = new LinkifyIt(); // defaults: fuzzyLink true, default schemas
  const ours = (t) => findLinks(t).length;
  const theirs = (t) => (linkify.match(t) ?? []).length;
  // Every reply gets its own IDs in its links (as real replies do), so nothing can be
  // answered from a cache of whole URLs; hosts repeat, as they do for one account.
  const inputs = Array.from({ length: 2000 }, (_, i) => REPLIES[i % REPLIES.length].replace(/\d{4,}/g, (d) => String(Number(d) + i)));
  // Both are warmed until the JIT settles (about 40 rounds of 2,000 replies here),
  // then measured in alternating rounds so that load from other processes on the
  // machine falls on both alike. Both are deterministic CPU work, so load only ever
  // adds time: the fastest round of each is the figure compared; medians are shown.
  nsPerCall(ours, inputs, 60);
  nsPerCall(theirs, inputs, 60);
  const { ours: oursRounds, theirs: theirsRounds } = await alternate({ ours: () => nsPerCall(ours, inputs, 1), theirs: () => nsPerCall(theirs, inputs, 1) }, 31);
  const nsOurs = fastest(oursRounds);
  const nsTheirs = fastest(theirsRounds);
  const medians = `medians ${(median(oursRounds) / 1000).toFixed(2)} vs ${(median(theirsRounds) / 1000).toFixed(2)}`;
  row(`findLinks, ~280-char reply with 2 links (µs/reply, fastest of 31 alternating rounds; ${medians})`, nsOurs / 1000, nsTheirs / 1000, 'linkify-it 6, fuzzyLink', '≤ 0.33× (3× faster)', nsOurs * 3 <= nsTheirs);

  const expected = REPLIES.length * 2;
  const foundOurs = REPLIES.reduce((n, t) => n + ours(t), 0);
  const foundTheirs = REPLIES.reduce((n, t) => n + theirs(t), 0);
  const perReply = REPLIES.map((t) => `${ours(t)}/${theirs(t)}`).join(', ');
  row(`links found in ${REPLIES.length} replies (ours/linkify per reply: ${perReply})`, foundOurs, foundTheirs, 'linkify-it 6', `ours = ${expected}`, foundOurs === expected);

  // Linearity: the rate on 1 Mi and 2 Mi characters (UTF-16 units; 1 Mi Chinese
  // characters is ~3 MB of UTF-8) of realistic replies and of adversarial runs.
  const MB = 1 << 20;
  const fill = (unit) => (n) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  for (const [label, make] of [
    ['replies', bulk],
    ["'a.' repeated", fill('a.')],
    ["'a 点 ' repeated (weak joins)", fill('a 点 ')],
    ["'http://' repeated", fill('http://')],
    ["'example.com ' repeated (a link every 12 chars)", fill('example.com ')],
    ["'a、' repeated (look-alike dots)", fill('a、')],
    ["'中.' repeated (dots inside CJK text)", fill('中.')],
    ["'商城.中国 ' repeated (an all-CJK host every 6 chars)", fill('商城.中国 ')],
    ["'ev\\0il.cn/ ' repeated (NUL inside hosts)", fill('ev\u0000il.cn/ ')],
  ]) {
    const one = make(MB);
    const two = make(2 * MB);
    findLinks(one);
    findLinks(two);
    // Alternating, fastest of 7 each: load on the machine only ever adds time.
    const { r1, r2 } = await alternate({ r1: () => msOnce(() => findLinks(one)), r2: () => msOnce(() => findLinks(two)) }, 7);
    const ms1 = fastest(r1);
    const ms2 = fastest(r2);
    const rate1 = 1 / (ms1 / 1000);
    const rate2 = 2 / (ms2 / 1000);
    row(`scan rate, 1 Mi chars of ${label} (Mi chars/s; ${ms1.toFixed(0)} ms)`, rate1, NaN, '—', '1 Mi chars < 1000 ms', ms1 < 1000);
    row(`scan rate, 2 Mi chars of ${label} (Mi chars/s; ${ms2.toFixed(0)} ms)`, rate2, rate1, '1 Mi rate', '≥ 0.6× (linear = 1×)', rate2 >= 0.6 * rate1);
  }

  console.log(`${machine()}\n`);
  return table(rows);
}
