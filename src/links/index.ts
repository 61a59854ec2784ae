/**
 * Links: finding every link a reader could follow in free text, and judging one URL
 * field, the same way. Decisions a caller should know:
 *
 * - A link glued to Chinese text is found (`请访问example.com领取`); a CJK character,
 *   full-width punctuation, a space or quote ends it, and ends a path: glued Chinese
 *   text is never part of the URL (`详情见weibo.com/u/1谢谢` → `weibo.com/u/1`).
 * - Disguised dots (`。．｡`, `[.]`, `(.)`, `点`, ` dot `, ` . `), full-width letters and
 *   invisible characters are folded, the link reported with form `obfuscated` and the
 *   folds listed. Weak joins (` dot `, ` . `, `。`) count only before the TLDs spam uses,
 *   so ordinary English and Chinese sentence ends are not links.
 * - A scheme-less host needs an ICANN public suffix (tldts), so `report.pdf`, `Vue.js`,
 *   `3.5元`, `v2.1.0` are not links. Written with a scheme, any host a browser opens
 *   counts (`http://intranet`), and a URL no parser accepts is reported with url null.
 * - Hosts are judged as WHATWG URL serializes them (userinfo dropped and flagged,
 *   percent-decoding, IDNA to punycode, IPv4 in any form to dotted decimal, IPv6).
 * - What a browser opens counts however it is typed: a special scheme (http, https, ws,
 *   wss, ftp) with one slash, backslashes or extra slashes (`https:\\x`, `http:/\\x`); an
 *   all-CJK host under a CJK TLD with a boundary after it (`访问 商城.中国 领取`, never
 *   `我们在中国.中国很大`; `。` never joins CJK labels); a list comma, bullet, middle dot or
 *   emoji for the dot, only before a TLD spam uses (`evil、cn`, not `价格、数量`, `AI、AR`).
 * - Invisible characters (C0 controls including NUL, DEL, bidi marks and controls, zero-
 *   width characters, tag characters, variation selectors) inside a scheme, userinfo or
 *   host are removed before judging, as a browser acts on them (`a.cn\0@evil.cn` opens
 *   evil.cn), and listed in FoundLink.invisible with their offsets.
 * - `#小程序://名称/code` (WeChat's mini-program text link) is a link: form `miniprogram`,
 *   scheme `weixin`, no URL.
 * - E-mail addresses are contact details, not links (as twitter-text decides);
 *   `mailto:` written out is a non-web link. Non-web schemes a user can tap
 *   (`javascript:`, `data:`, `weixin://`, any `scheme://`) are reported with web false.
 * - Linear in the input: one pass with bounded look-ahead per candidate.
 */
export { findLinks, scanPath, trimTrailing } from './find.js';
export { canonicalize } from './canonicalize.js';
export { embeddedTargets, mayCarryTarget, queryParams, type EmbeddedTarget } from './redirect.js';
export { describeInvisible } from './invisible.js';
export { suffixFacts, hostTypeOf, isKnownTld, dnsShaped } from './judge.js';
export { FindLinksOptionsSchema, DEFAULT_FIND_LINKS_OPTIONS, type FindLinksOptions, type ResolvedFindLinksOptions } from './options.js';
export { FOLD_KINDS, MINI_PROGRAM_DEEP_LINK, MINI_PROGRAM_SCHEME, type FoldKind, type FoundLink, type HostType, type InvisibleChar, type LinkForm } from './types.js';
