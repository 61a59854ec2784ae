import type { ESLint, Linter } from 'eslint';
import { createRequire } from 'node:module';
import { defineConfigs, type ConfigName } from './configs.js';
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
  configs: {} as Record<ConfigName, Linter.Config[]>,
} satisfies ESLint.Plugin;

/**
 * Flat configs. `recommended` covers JS and TS sources (bring your own parser for
 * `.ts`, e.g. typescript-eslint); `json`, `yaml` and `markdown` register the language
 * plugin that parses those files themselves (optional peer dependencies).
 */
plugin.configs = defineConfigs(plugin, allRules);

export default plugin;
export { rules };
export { MissingLanguagePluginError } from './configs.js';
export type { RuleOptions, RuleOptionsInput } from './options.js';
