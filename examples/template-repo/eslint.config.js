// Lints this template repo with weibo-guard's ESLint plugin: the same checks as the
// pre-send gate and `weibo-guard audit`, as editor squiggles and CI errors.
import json from '@eslint/json';
import markdown from '@eslint/markdown';
import yml from 'eslint-plugin-yml';
import tseslint from 'typescript-eslint';
import weiboGuard from 'weibo-guard/eslint-plugin';

export default [
  // Work in progress, not shipped (.gitignore); ESLint does not read .gitignore itself.
  { ignores: ['drafts/'] },
  // The parsers for the non-JS template formats.
  { plugins: { json, markdown, yml } },
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  ...weiboGuard.configs.recommended,
  ...weiboGuard.configs.json,
  ...weiboGuard.configs.yaml,
  ...weiboGuard.configs.markdown,
];
