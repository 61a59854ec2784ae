/**
 * What each rule means, for SARIF rule descriptors and the HTML page: a reviewer
 * reads why a rule exists and how to fix a finding. Ids are the engine's; a rule
 * not listed here still gets a descriptor built from its first message.
 */
export interface RuleDoc {
  short: string;
  help: string;
}

export const RULE_DOCS: Readonly<Record<string, RuleDoc>> = {
  'link/not-whitelisted': {
    short: 'Link to a site that is not on the whitelist',
    help: 'Weibo allows links only to government sites, licensed media, major well-known platforms and official sites of verified companies. Link to a whitelisted site, or add your own verified company site to `whitelist` in weibo-guard.config.*.',
  },
  'link/competitor': {
    short: 'Link to a competing service',
    help: 'Replies must not guide users to competing services (the reply API forbids promoting them). Remove the link.',
  },
  'link/shortener': {
    short: 'Link shortener with an unknown target',
    help: 'A shortened link hides where it goes, so it cannot be checked against the whitelist. Use the full URL.',
  },
  'link/scheme': {
    short: 'Link with a scheme that is not http or https',
    help: '`javascript:`, `data:`, `file:` and app schemes are not allowed in replies. Use an https link to a whitelisted site.',
  },
  'link/obfuscated': {
    short: 'Disguised link',
    help: 'Text that guides a user to a site is a link even when written as `example。cn`, `example[.]cn` or `example 点 cn`, and it is judged like one. Remove it or link to a whitelisted site.',
  },
  'link/ip-address': { short: 'Link to an IP address', help: 'Links must name a whitelisted site, never a bare IP address.' },
  'link/credentials': { short: 'Link carrying a user name or password', help: 'Remove the `user:password@` part; credentials must never appear in a reply.' },
  'link/invalid-url': { short: 'Not a valid URL', help: 'A field meant to hold a URL must hold an absolute http(s) URL.' },
  'link/personal-account': { short: 'Link from a personal account', help: 'Personal accounts may carry no links unless they pay for link placement (`paidLinks` in the config).' },
  'link/unresolved': {
    short: 'Link host computed at run time',
    help: 'Part of the host of this link is not a constant, so the audit cannot check it against the whitelist. The pre-send gate still checks it when the reply is sent; prefer a constant host so reviews can see it.',
  },
  'competitor/promotion': {
    short: 'Promotes a competing service',
    help: 'The reply API forbids guiding users to competing services (names, aliases, homophones with a call to action such as "加我微信"). Reword the reply.',
  },
  'competitor/mention': { short: 'Mentions a competing service', help: 'A competing service is named without a call to action. Check that the reply does not promote it.' },
  'payload/articles-count': { short: 'Wrong number of articles', help: 'An articles reply carries 1 to 8 articles.' },
  'payload/articles-recommended': { short: 'Unusual number of articles', help: 'Weibo recommends 1 or 3 articles in an articles reply.' },
  'payload/text-too-long': { short: 'Reply text too long', help: 'Reply text must stay under 300 units: a full-width or CJK character counts 1, a half-width character ½.' },
  'payload/text-empty': { short: 'Empty reply text', help: 'A text reply needs non-empty text.' },
  'payload/image-format': { short: 'Article image is not JPG or PNG', help: 'Article images must be JPG or PNG.' },
  'payload/missing-field': { short: 'Required field missing', help: 'Each article needs display_name, summary, image and url; each payload needs type and data.' },
  'payload/invalid-field': { short: 'Field has the wrong type or value', help: 'Make the field match the reply API document.' },
  'payload/unknown-field': { short: 'Field the reply API does not know', help: 'Remove fields the reply API does not define.' },
  'payload/type': { short: 'Unknown payload type', help: '`type` is `text`, `articles` or `position`, and `data` must match it.' },
  'payload/position-range': { short: 'Position out of range', help: 'Longitude is in [-180, 180] and latitude in [-90, 90].' },
  'payload/position-format': { short: 'Position is not a decimal number', help: 'Write longitude and latitude as decimal numbers.' },
  'audit/unreadable': { short: 'File could not be read', help: 'The file is not valid JSON/YAML or not UTF-8, so nothing in it was checked. Fix the syntax error at the reported position.' },
  'audit/engine-error': { short: 'The checks failed on this text', help: 'The engine raised an error on this text, so it was not checked. This is a bug in weibo-guard: report it with the text.' },
  'audit/file-too-large': { short: 'File too large to audit', help: 'Files over the size limit are refused rather than checked slowly. Split the file or raise --max-file-bytes.' },
  'audit/suppression-without-reason': {
    short: 'Suppression without a reason',
    help: 'Write `// weibo-guard-disable-next-line <rule> -- <reason>`. A suppression without a reason silences nothing, so reviewers always see why a finding was accepted.',
  },
  'audit/unused-suppression': { short: 'Suppression that silences nothing', help: 'No finding of the named rule starts on the next line. Remove the comment so it cannot hide a future finding.' },
};

export function ruleDoc(rule: string, firstMessage: string): RuleDoc {
  return RULE_DOCS[rule] ?? { short: rule, help: firstMessage };
}
