import type { ESLint, Linter } from 'eslint';
import { createRequire } from 'node:module';
import { createRule } from './rule.js';

const require = createRequire(import.meta.url);
const { name, version } = require('../../package.json') as { name: string; version: string };

const rules = {
  links: createRule('links', 'Every link in reply text and URLs must point to a whitelisted site (canonical host, obfuscations folded).'),
  competitor: createRule('competitor', 'Replies must not promote competing services; mentions are advisory.'),
  payload: createRule('payload', 'Payload-shaped literals must match the reply API: text length, articles, images, coordinates, receiver id.'),
};

const allRules: Linter.RulesRecord = {
  'weibo-guard/links': 'error',
  'weibo-guard/competitor': 'error',
  'weibo-guard/payload': 'error',
};

const plugin = {
  meta: { name: `${name}/eslint-plugin`, version, namespace: 'weibo-guard' },
  rules,
  configs: {} as Record<'recommended' | 'json' | 'yaml' | 'markdown', Linter.Config[]>,
} satisfies ESLint.Plugin;

/**
 * Flat configs. `recommended` covers JS and TS sources (bring your own parser for
 * `.ts`, e.g. typescript-eslint); the others pair the rules with the language
 * plugin that parses those files, which the user installs and passes in its own config
 * block too (ESLint resolves `language` through the `plugins` of the same config).
 */
plugin.configs.recommended = [
  { name: 'weibo-guard/recommended', files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'], plugins: { 'weibo-guard': plugin }, rules: allRules },
];
// Template JSON often carries comments and trailing commas; read it as leniently as the audit does.
plugin.configs.json = [
  {
    name: 'weibo-guard/json',
    files: ['**/*.{json,jsonc}'],
    language: 'json/jsonc',
    languageOptions: { allowTrailingCommas: true },
    plugins: { 'weibo-guard': plugin },
    rules: allRules,
  },
];
plugin.configs.yaml = [
  { name: 'weibo-guard/yaml', files: ['**/*.{yaml,yml}'], language: 'yml/yaml', plugins: { 'weibo-guard': plugin }, rules: allRules },
];
plugin.configs.markdown = [
  { name: 'weibo-guard/markdown', files: ['**/*.md'], language: 'markdown/commonmark', plugins: { 'weibo-guard': plugin }, rules: allRules },
];

export default plugin;
export { rules };
export type { RuleOptions, RuleOptionsInput } from './options.js';
