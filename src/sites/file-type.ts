/** Which files hold templates, and in which format: one answer for the audit and the ESLint plugin. */
export type FileType = 'ts' | 'json' | 'yaml' | 'markdown' | 'text';

const TYPES: Record<string, FileType> = {
  '.ts': 'ts',
  '.tsx': 'ts',
  '.mts': 'ts',
  '.cts': 'ts',
  '.js': 'ts',
  '.jsx': 'ts',
  '.mjs': 'ts',
  '.cjs': 'ts',
  '.json': 'json',
  '.jsonc': 'json',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
};

/** Tooling files, not templates: their URLs (registries, schemas) are not replies. */
const NOT_TEMPLATES = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'tsconfig.json',
  'jsconfig.json',
  'weibo-guard.config.json',
  'weibo-guard.config.yaml',
  'weibo-guard.config.yml',
  'weibo-guard-baseline.json',
]);
export function fileType(name: string): FileType | undefined {
  if (name.endsWith('.d.ts') || name.endsWith('.d.mts') || name.endsWith('.d.cts')) return undefined;
  if (NOT_TEMPLATES.has(name) || /^tsconfig\..*\.json$/.test(name)) return undefined;
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : TYPES[name.slice(dot).toLowerCase()];
}
