import type { Context } from '../context.js';
import { finding, type Evidence, type Finding, type Span } from '../findings.js';
import { describeInvisible } from '../links/invisible.js';
import type { FoldKind, FoundLink } from '../links/types.js';
import { chainReason, classifyLink, describeChain, describeEntry, followRedirects, mayRedirect, type LinkDecision, type Policy } from '../policy/index.js';

/**
 * The link rules: every link goes through policy's classifyLink; this file adds what
 * depends on the sender rather than the host (link/personal-account) or on how the
 * link was written (link/obfuscated), and turns decisions into findings.
 */

function evidenceOf(link: FoundLink, decision: LinkDecision | null): Evidence {
  const e: Evidence = { text: link.raw };
  if (link.url) e.url = link.url;
  if (link.host) e.host = link.host;
  if (decision?.entry) e.entry = describeEntry(decision.entry);
  if (link.folded.length > 0) e.detail = `folded: ${link.folded.join(', ')}`;
  return e;
}

const shown = (link: FoundLink) => link.host ?? link.raw;

/** Disguised beyond the invisible characters, which link/invisible reports on its own. */
function disguised(link: FoundLink): boolean {
  if (link.form !== 'obfuscated') return false;
  if (link.invisible === undefined) return true;
  return link.folded.some((f) => f !== 'zero-width');
}

/** Each obfuscation as Chinese messages name it (the kinds are FOLD_KINDS). */
const FOLD_ZH: Readonly<Record<FoldKind, string>> = {
  'fullwidth-dot': '全角句点',
  'fullwidth-letter': '全角字母',
  'compat-letter': '变体字母',
  'zero-width': '零宽字符',
  'bracket-dot': '括号里的点',
  'word-dot': '用文字代替点',
  'spaced-dot': '点的两边加空格',
  'lookalike-dot': '形似点的符号',
};
const foldedZh = (link: FoundLink): string => link.folded.map((k) => FOLD_ZH[k as FoldKind] ?? '变形写法').join('、');

/** link/invisible: a character nobody sees inside the scheme, userinfo or host. */
function invisibleFinding(link: FoundLink, span: Span, path: string, evidence: Evidence): Finding {
  const list = link.invisible ?? [];
  const names = describeInvisible(list);
  return finding(
    'link/invisible',
    'error',
    {
      en: `Link to ${shown(link)} hides ${list.length === 1 ? 'an invisible character' : `${list.length} invisible characters`} (${names}); they were removed before judging`,
      zh: `链接 ${shown(link)} 中藏有 ${list.length} 个不可见字符（${list.map((x) => `${x.code}，第 ${x.at} 位`).join('；')}），已去除后再判断`,
    },
    path,
    { span, evidence: { ...evidence, detail: `removed: ${names}` } },
  );
}

/** Findings for one link found at `span` of the string at `path`. */
export function judgeLink(link: FoundLink, span: Span, path: string, context: Context, policy: Policy): Finding[] {
  const decision = classifyLink(link, policy, context.channel);
  const personal = context.account === 'personal' && !context.paidLinks;
  const follow = (decision.allowed || decision.severity === 'warning') && !personal && mayRedirect(link, policy);
  // The common case, a plainly written allowed link carrying no URL, allocates nothing.
  if (decision.allowed && !personal && link.form !== 'obfuscated' && !follow) return [];
  const evidence = evidenceOf(link, decision);
  const out = judgeLinkAsWritten(link, decision, span, path, personal, evidence);
  if (follow) {
    const redirect = redirectFinding(link, decision, span, path, context, policy, evidence);
    if (redirect !== null) out.push(redirect);
  }
  return out;
}

/** link/redirect for a link whose carried target (followed to MAX_DEPTH hops) is not allowed. */
function redirectFinding(link: FoundLink, decision: LinkDecision, span: Span, path: string, context: Context, policy: Policy, evidence: Evidence): Finding | null {
  const chain = followRedirects(link, decision, policy, context.channel);
  if (chain === null) return null;
  const last = chain.hops[chain.hops.length - 1]!;
  const severity = chain.unreadable ? chain.unreadable.severity : (last.decision.severity ?? 'error');
  const e: Evidence = { ...evidence, detail: `redirect: ${describeChain(chain)}` };
  if (chain.unreadable) e.entry = `${chain.unreadable.file}:${chain.unreadable.line} ${chain.unreadable.domain}`;
  else if (last.decision.entry) e.entry = describeEntry(last.decision.entry);
  else delete e.entry;
  return finding('link/redirect', severity, chainReason(chain), path, { span, evidence: e });
}

/** The findings about the link as written: its host, its disguise, the sender. */
function judgeLinkAsWritten(link: FoundLink, decision: LinkDecision, span: Span, path: string, personal: boolean, evidence: Evidence): Finding[] {
  const out: Finding[] = [];
  if (link.invisible !== undefined && link.invisible.length > 0) out.push(invisibleFinding(link, span, path, evidence));
  if (personal) {
    out.push(
      finding(
        'link/personal-account',
        'error',
        { en: `A personal account may not post links (${shown(link)}) unless it pays for link placement`, zh: `个人账号不能发布链接（${shown(link)}），除非已付费开通` },
        path,
        { span, evidence: { ...evidence, detail: 'context.account: personal, paidLinks: false' } },
      ),
    );
  }
  if (decision.allowed) {
    if (disguised(link)) {
      // A whitelisted host written in disguise (often just an IME's full-width dot): say so, but it may go.
      out.push(
        finding(
          'link/obfuscated',
          'warning',
          { en: `Link ${shown(link)} is written in disguise (${link.folded.join(', ')}); write it plainly`, zh: `链接 ${shown(link)} 的写法经过伪装（${foldedZh(link)}），请直接写出` },
          path,
          { span, evidence },
        ),
      );
    }
    return out;
  }
  if (decision.rule === 'link/not-whitelisted') {
    // Personal accounts already have one finding per link; the host adds nothing.
    if (personal) return out;
    if (link.fileName) {
      // `readme.md`: an attachment's name, which a browser would also open as a host; see links/filename.ts.
      out.push(
        finding(
          'link/not-whitelisted',
          'warning',
          {
            en: `${link.raw} reads as a file name; if it is meant as a site, ${shown(link)} is not on the whitelist`,
            zh: `${link.raw} 看来是文件名；若指网站，${shown(link)} 不在白名单中`,
          },
          path,
          { span, evidence: { ...evidence, detail: 'reads as a file name' } },
        ),
      );
      return out;
    }
    if (disguised(link)) {
      out.push(
        finding(
          'link/obfuscated',
          'error',
          {
            en: `Disguised link to ${shown(link)} (${link.folded.join(', ')}), which is not on the whitelist`,
            zh: `伪装的链接 ${shown(link)}（${foldedZh(link)}），不在白名单中`,
          },
          path,
          { span, evidence },
        ),
      );
      return out;
    }
  }
  out.push(finding(decision.rule, decision.severity ?? 'error', decision.reason, path, { span, evidence }));
  return out;
}

/** All links found in free text. */
export function judgeLinks(links: readonly FoundLink[], path: string, context: Context, policy: Policy, out: Finding[] = []): Finding[] {
  for (const link of links) {
    const found = judgeLink(link, { start: link.start, end: link.end }, path, context, policy);
    for (const f of found) out.push(f);
  }
  return out;
}

/** A string field that must be a link (article url, image) but cannot be read as one. */
export function notALink(value: string, path: string): Finding {
  return finding(
    'link/invalid-url',
    'error',
    { en: `${path} is not a link: "${value.length > 80 ? `${value.slice(0, 80)}…` : value}"`, zh: `${path} 不是有效链接：“${value.length > 80 ? `${value.slice(0, 80)}…` : value}”` },
    path,
    { span: { start: 0, end: value.length }, evidence: { text: value.slice(0, 200) } },
  );
}
