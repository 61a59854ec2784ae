import type { ESLint, Linter } from 'eslint';
import { MissingDependencyError } from '../missing-dependency.js';
import { createRequire } from 'node:module';
import { currentFingerprint } from './gates.js';

const require = createRequire(import.meta.url);
const { peerDependencies } = require('../../package.json') as { peerDependencies: Record<string, string> };

export type ConfigName = 'recommended' | 'json' | 'yaml' | 'markdown';

/** The language plugin each non-JS config parses its files with, under the namespace its `language` names. */
export const LANGUAGE_PLUGINS = {
  json: { namespace: 'json', packageName: '@eslint/json' },
  yaml: { namespace: 'yml', packageName: 'eslint-plugin-yml' },
  markdown: { namespace: 'markdown', packageName: '@eslint/markdown' },
} as const satisfies Partial<Record<ConfigName, { namespace: string; packageName: string }>>;

/** A language plugin a config needs is not installed (or does not load). */
export class MissingLanguagePluginError extends MissingDependencyError {
  override name = 'MissingLanguagePluginError';
  constructor(packageName: string, message: string, options?: { cause?: unknown }) {
    super(packageName, message, options);
    // ESLint's CLI prints a config error's `stack`: for a package to install the
    // frames say nothing, so the stack is the one line itself.
    this.stack = `${this.name}: ${message}`;
  }
}

/** Loads a language plugin by package name, as the user's project resolves it; throws when it cannot. */
export type PluginResolver = (packageName: string) => ESLint.Plugin;

/**
 * The plugins are optional peer dependencies: a package manager installs them next to
 * weibo-guard, so they resolve from here. They are ES modules; Node >= 20.19 (our
 * `engines`) `require`s them, which keeps the configs plain synchronous properties.
 */
export const resolveFromHere: PluginResolver = (packageName) => {
  const load = PLUGIN_LOADERS[packageName];
  if (!load) throw new Error(`weibo-guard knows no language plugin ${packageName}`);
  const ns = load() as { default?: ESLint.Plugin } & ESLint.Plugin;
  return ns.default ?? ns;
};

// Each name written out, so what the plugin may load is visible to a reader and to the layer test.
const PLUGIN_LOADERS: Readonly<Record<string, () => unknown>> = {
  '@eslint/json': () => require('@eslint/json'),
  'eslint-plugin-yml': () => require('eslint-plugin-yml'),
  '@eslint/markdown': () => require('@eslint/markdown'),
};

function isMissing(err: unknown, packageName: string): boolean {
  const e = err as { code?: string; message?: string };
  return (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND') && String(e.message).includes(`'${packageName}'`);
}

/**
 * Stands in for a language plugin that did not load. The error is raised when ESLint
 * looks up the language, i.e. only once a file of that format is linted: a user who
 * spreads every config but has no Markdown needs no Markdown plugin.
 */
function missingPlugin(config: string, packageName: string, err: unknown): ESLint.Plugin {
  const range = peerDependencies[packageName] ?? 'latest';
  const message = isMissing(err, packageName)
    ? `weibo-guard's configs.${config} needs ${packageName} to parse its files: npm install --save-dev ${packageName}@"${range}"`
    : `weibo-guard's configs.${config} could not load ${packageName}: ${String((err as Error)?.message ?? err).split('\n')[0]}`;
  const error = new MissingLanguagePluginError(packageName, message, { cause: err });
  return {
    meta: { name: packageName, version: 'missing' },
    get languages(): never {
      throw error;
    },
  };
}

/**
 * The plugin's flat configs, as getters. Each carries `settings['weibo-guard'].policy`,
 * the fingerprint of the policy files found from the working directory: ESLint's
 * `--cache` hashes the config, so a result cached under one policy is not reused under
 * another. The fingerprint is taken when the config is read (ESLint reads its config
 * file once per run), and the same array is returned while it is unchanged.
 */
export function defineConfigs(plugin: ESLint.Plugin, rules: Linter.RulesRecord, resolvePlugin: PluginResolver = resolveFromHere): Record<ConfigName, Linter.Config[]> {
  const languagePlugins = new Map<string, ESLint.Plugin>();
  const languagePlugin = (config: keyof typeof LANGUAGE_PLUGINS): Record<string, ESLint.Plugin> => {
    const { namespace, packageName } = LANGUAGE_PLUGINS[config];
    let found = languagePlugins.get(packageName);
    if (!found) {
      try {
        found = resolvePlugin(packageName);
      } catch (err) {
        found = missingPlugin(config, packageName, err);
      }
      languagePlugins.set(packageName, found);
    }
    return { [namespace]: found };
  };

  const shape: Record<ConfigName, () => Linter.Config> = {
    recommended: () => ({ name: 'weibo-guard/recommended', files: ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'], plugins: { 'weibo-guard': plugin }, rules }),
    // Template JSON often carries comments and trailing commas; read it as leniently as the audit does.
    json: () => ({
      name: 'weibo-guard/json',
      files: ['**/*.{json,jsonc}'],
      language: 'json/jsonc',
      languageOptions: { allowTrailingCommas: true },
      plugins: { 'weibo-guard': plugin, ...languagePlugin('json') },
      rules,
    }),
    yaml: () => ({ name: 'weibo-guard/yaml', files: ['**/*.{yaml,yml}'], language: 'yml/yaml', plugins: { 'weibo-guard': plugin, ...languagePlugin('yaml') }, rules }),
    markdown: () => ({
      name: 'weibo-guard/markdown',
      files: ['**/*.md'],
      language: 'markdown/commonmark',
      plugins: { 'weibo-guard': plugin, ...languagePlugin('markdown') },
      rules,
    }),
  };

  const configs = {} as Record<ConfigName, Linter.Config[]>;
  for (const name of Object.keys(shape) as ConfigName[]) {
    let last: { fingerprint: string; config: Linter.Config[] } | undefined;
    Object.defineProperty(configs, name, {
      enumerable: true,
      get(): Linter.Config[] {
        const fingerprint = currentFingerprint(process.cwd());
        if (last?.fingerprint !== fingerprint) last = { fingerprint, config: [{ ...shape[name](), settings: { 'weibo-guard': { policy: fingerprint } } }] };
        return last.config;
      },
    });
  }
  return configs;
}
