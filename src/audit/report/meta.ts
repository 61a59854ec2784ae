import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a reviewer needs to know a report was made with: tool, policy files, config, commit, time. */
export interface ReportMeta {
  /** weibo-guard's version (package.json). */
  version?: string;
  /** Every policy file the run read, as `policy.sources` names it, with a short content hash. */
  policy?: PolicyFileMeta[];
  /** The project config as displayed in messages; absent when the run used defaults only. */
  config?: string;
  /** `HEAD` of the repository holding the audited root; absent outside one. */
  commit?: string;
}

export interface PolicyFileMeta {
  file: string;
  /** First 12 hex digits of the file's SHA-256; absent when it can no longer be read. */
  sha256?: string;
}

const packageRoot = (): string => fileURLToPath(new URL('../../../', import.meta.url));
/** The names loadPolicy looks for in the root when no config is given. */
const DISCOVERED_CONFIG = /^weibo-guard\.config\.(json|ya?ml)$/;

/**
 * Names and hashes the policy files a run read. `sources` are display names: the
 * bundled files relative to the package (`whitelist/media.yaml`), the config relative
 * to the audited root, anything outside either absolute, as `loadPolicy` shows them.
 */
export function policyMeta(
  sources: readonly string[],
  opts: { root: string; config?: string; dataDir?: string },
): { policy: PolicyFileMeta[]; config?: string } {
  const dataDir = resolve(opts.dataDir ?? packageRoot());
  const explicit = opts.config === undefined ? undefined : resolve(opts.root, opts.config);
  const configName = explicit === undefined ? sources.find((s) => DISCOVERED_CONFIG.test(s)) : displayPath(explicit, opts.root);
  const policy = sources.map((file) => {
    const path = isAbsolute(file) ? file : file === configName ? resolve(opts.root, file) : resolve(dataDir, file);
    const sha256 = shortHash(path);
    return sha256 === undefined ? { file } : { file, sha256 };
  });
  return configName !== undefined && sources.includes(configName) ? { policy, config: configName } : { policy };
}

function shortHash(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);
  } catch {
    // Gone or unreadable since the policy loaded: the report says so by leaving the hash out.
    return undefined;
  }
}

/** As loadPolicy displays a path: relative to `base` when inside it, else absolute. */
function displayPath(path: string, base: string): string {
  const rel = relative(base, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/');
}
