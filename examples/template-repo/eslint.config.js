// Lints this template repo with weibo-guard's ESLint plugin: the same checks as the
// pre-send gate and `weibo-guard audit`, as editor squiggles and CI errors. The json,
// yaml and markdown configs bring their own language plugins (@eslint/json,
// eslint-plugin-yml, @eslint/markdown: install them next to weibo-guard).
import tseslint from 'typescript-eslint';
import weiboGuard from 'weibo-guard/eslint-plugin';

export default [
  // Work in progress, not shipped (.gitignore); ESLint does not read .gitignore itself.
  { ignores: ['drafts/'] },
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  ...weiboGuard.configs.recommended,
  ...weiboGuard.configs.json,
  ...weiboGuard.configs.yaml,
  ...weiboGuard.configs.markdown,
];
