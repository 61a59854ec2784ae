import { isKnownTld, lowerAscii } from './judge.js';
import type { Label } from './host.js';

/**
 * `readme.md`, `CHANGELOG.md`, `install.sh`, `backup.zip`: names whose extension is
 * also a TLD. A reply that names an attachment is not steering anyone to a site, but a
 * browser would open the same text as a host, so such a name is reported as a warning
 * (policy decides; checks/link.ts lowers not-whitelisted to a warning), never dropped
 * and never an error. Only the plainest shape qualifies: bare, no scheme, no `www.`, two
 * labels, no port or path, written with a real dot, an extension from the list below,
 * and a first label that reads as a file name (a conventional stem, or upper-case
 * letters, which hosts are not written with: README, Makefile, Demo). A scheme, `www.`,
 * a path, a third label, a disguise or a plain lower-case stem (`fuli.zip`) keep it a
 * link, judged as any other.
 */

/**
 * File extensions seen in replies; tldts decides, at load, which of them are TLDs
 * (today md, zip, mov, py, sh, rs, ps, gs, sc, pm, ml, mk, am, ac, tf, java, cab, map,
 * inc). Left out on purpose: extensions that are also TLDs spam or real sites use much
 * more than files (cc, ai, so, me, in, es, pl, pt, la, app, dev, pro, mobi, …).
 */
const FILE_EXTENSIONS = [
  'md', 'zip', 'mov', 'py', 'sh', 'rs', 'ps', 'gs', 'sc', 'pm', 'ml', 'mk', 'am', 'ac', 'tf', 'java', 'cab', 'map', 'inc',
  'txt', 'pdf', 'doc', 'docx', 'xls', 'xlsx', 'csv', 'log', 'json', 'yaml', 'yml', 'rar', 'exe', 'apk', 'dmg', 'jpg', 'png', 'mp4',
];

const FILE_TLDS: ReadonlySet<string> = new Set(FILE_EXTENSIONS.filter((e) => isKnownTld(e)));

/** Conventional file stems, lower-case (matched case-insensitively). */
const FILE_STEMS: ReadonlySet<string> = new Set([
  'readme', 'changelog', 'changes', 'history', 'news', 'license', 'licence', 'copying', 'notice', 'authors', 'contributors', 'contributing',
  'todo', 'notes', 'faq', 'install', 'setup', 'build', 'deploy', 'run', 'start', 'stop', 'test', 'tests', 'config', 'settings', 'main',
  'index', 'app', 'init', 'update', 'upgrade', 'release', 'patch', 'makefile', 'configure', 'manual', 'guide', 'docs', 'doc', 'report',
  'backup', 'archive', 'export', 'data', 'demo', 'sample', 'example', 'photo', 'photos', 'image', 'images', 'video', 'videos', 'logo',
  'script', 'scripts', 'lib', 'utils', 'util', 'server', 'client', 'package', 'requirements', 'attachment', 'file', 'files', 'download',
  'invoice', 'receipt', 'contract', 'resume', 'cv', 'slides', 'source', 'src', 'firmware', 'driver', 'drivers', 'patch', 'hello',
]);

function hasUpper(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return true;
  }
  return false;
}

/**
 * Whether a bare host written plainly as `labels` (already settled, no folds) and ending
 * at `end` with nothing after it (`hostEnd === end`: no port, no path) reads as a file name.
 */
export function readsAsFileName(labels: readonly Label[], hostEnd: number, end: number): boolean {
  if (labels.length !== 2 || hostEnd !== end) return false;
  const stem = (labels[0] as Label).value;
  const ext = (labels[1] as Label).value;
  if (!FILE_TLDS.has(lowerAscii(ext))) return false;
  const s = lowerAscii(stem);
  if (s === 'www') return false;
  return FILE_STEMS.has(s) || hasUpper(stem);
}
