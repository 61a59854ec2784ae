import { ESLint } from 'eslint';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import plugin from '../../src/eslint/index.js';
import { defineConfigs, LANGUAGE_PLUGINS } from '../../src/eslint/configs.js';
import { clearGates } from '../../src/eslint/gates.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};

afterEach(() => clearGates());

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wg-eslint-configs-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const templates = {
  'a.json': '{ "reply": "see https://evil.cn", }\n',
  'a.yaml': 'reply: see https://evil.cn\n',
  'a.md': 'See [the shop](https://evil.cn).\n',
  'a.js': "export const reply = 'see https://evil.cn';\n",
};

describe('the language configs stand on their own', () => {
  it('lints JSON, YAML and Markdown with nothing but the plugin\'s configs', async () => {
    const cwd = project(templates);
    const eslint = new ESLint({
      cwd,
      overrideConfigFile: true,
      overrideConfig: [...plugin.configs.recommended, ...plugin.configs.json, ...plugin.configs.yaml, ...plugin.configs.markdown],
    });
    const results = await eslint.lintFiles(['.']);
    const seen = Object.fromEntries(results.map((r) => [r.filePath.slice(cwd.length + 1), r.messages.map((m) => `${m.ruleId}:${m.line}`)]));
    expect(seen).toEqual({ 'a.json': ['weibo-guard/links:1'], 'a.yaml': ['weibo-guard/links:1'], 'a.md': ['weibo-guard/links:1'], 'a.js': ['weibo-guard/links:1'] });
  });

  it('agrees with a config that registers the same language plugins by hand', async () => {
    const [json, yml, markdown] = await Promise.all([import('@eslint/json'), import('eslint-plugin-yml'), import('@eslint/markdown')]);
    const cwd = project(templates);
    const eslint = new ESLint({
      cwd,
      overrideConfigFile: true,
      overrideConfig: [{ plugins: { json: json.default, yml: yml.default, markdown: markdown.default } }, ...plugin.configs.json, ...plugin.configs.yaml, ...plugin.configs.markdown],
    });
    const results = await eslint.lintFiles(['a.json', 'a.yaml', 'a.md']);
    expect(results.map((r) => r.messages.map((m) => m.ruleId))).toEqual([['weibo-guard/links'], ['weibo-guard/links'], ['weibo-guard/links']]);
  });

  it('declares each language plugin as an optional peer dependency, with the range it is developed against', () => {
    for (const { packageName } of Object.values(LANGUAGE_PLUGINS)) {
      expect(pkg.peerDependencies[packageName], packageName).toBe(pkg.devDependencies[packageName]);
      expect(pkg.peerDependenciesMeta[packageName]).toEqual({ optional: true });
    }
  });

  it('a missing language plugin is one line naming the package, and only when a file needs it', async () => {
    const notFound = (name: string) => Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- x`), { code: 'MODULE_NOT_FOUND' });
    const configs = defineConfigs(plugin, { 'weibo-guard/links': 'error' }, (name) => {
      if (name === '@eslint/json') throw notFound(name);
      return plugin; // never used: only JSON is linted below
    });
    const cwd = project({ 'a.json': templates['a.json'], 'a.js': templates['a.js'] });
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended, ...configs.json] });
    // A JS-only run does not need the JSON plugin.
    expect((await eslint.lintFiles(['a.js']))[0]!.messages).toHaveLength(1);
    const error = await eslint.lintFiles(['a.json']).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.stack).toBe(`MissingLanguagePluginError: weibo-guard's configs.json needs @eslint/json to parse its files: npm install --save-dev @eslint/json@"${pkg.peerDependencies['@eslint/json']}"`);
  });

  it('a language plugin that is there but does not load is one line too, with the reason', async () => {
    const configs = defineConfigs(plugin, { 'weibo-guard/links': 'error' }, () => {
      throw Object.assign(new Error('require() cannot be used on an ESM graph with top-level await\n  at somewhere'), { code: 'ERR_REQUIRE_ASYNC_MODULE' });
    });
    const cwd = project({ 'a.yaml': templates['a.yaml'] });
    const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: configs.yaml });
    const error = await eslint.lintFiles(['a.yaml']).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.stack).toBe("MissingLanguagePluginError: weibo-guard's configs.yaml could not load eslint-plugin-yml: require() cannot be used on an ESM graph with top-level await");
    expect(error).toMatchObject({ packageName: 'eslint-plugin-yml' });
  });

  it('from the installed package, without the plugin in node_modules, ESLint prints that line and no stack trace', () => {
    // A project whose node_modules has everything but @eslint/json, and weibo-guard as packed (dist/).
    const cwd = project({ 'a.json': templates['a.json'], 'eslint.config.js': "import weiboGuard from 'weibo-guard/eslint-plugin';\nexport default [...weiboGuard.configs.json];\n" });
    try {
      const modules = join(cwd, 'node_modules');
      mkdirSync(join(modules, '@eslint'), { recursive: true });
      for (const name of readdirSync(join(root, 'node_modules'))) {
        if (name === '@eslint' || name === '.bin' || name.startsWith('.')) continue;
        symlinkSync(join(root, 'node_modules', name), join(modules, name));
      }
      for (const name of readdirSync(join(root, 'node_modules/@eslint'))) if (name !== 'json') symlinkSync(join(root, 'node_modules/@eslint', name), join(modules, '@eslint', name));
      const own = join(modules, 'weibo-guard');
      for (const part of ['dist', 'rules', 'whitelist', 'package.json']) cpSync(join(root, part), join(own, part), { recursive: true });
      const r = spawnSync(process.execPath, [join(modules, 'eslint/bin/eslint.js'), 'a.json'], { cwd, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n').filter((l) => l.trim() !== '');
      expect(lines.at(-1)).toBe(`MissingLanguagePluginError: weibo-guard's configs.json needs @eslint/json to parse its files: npm install --save-dev @eslint/json@"${pkg.peerDependencies['@eslint/json']}"`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
