import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_CATALOG, RuleCatalogSchema, ruleDoc } from '../../src/checks/catalog.js';
import * as api from '../../src/index.js';

const SRC = join(import.meta.dirname, '../../src');
const ENGINE_FAMILIES = ['link', 'competitor', 'payload', 'window', 'context', 'limits'];
// The audit's own rules are documented in src/audit/rules.ts; the ESLint plugin only relays the engine's.
const NOT_ENGINE = ['audit/', 'eslint/', 'checks/catalog.ts'];
// A classification outcome (src/policy/classify.ts) that never becomes a finding.
const NOT_FINDINGS = new Set(['link/allowed']);

const engineFiles = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !NOT_ENGINE.some((p) => f.startsWith(p)))
  .map((f) => join(SRC, f));
const idPattern = new RegExp(`['"\`]((?:${ENGINE_FAMILIES.join('|')})/[a-z0-9-]+)['"\`]`, 'g');

describe('rule catalogue', () => {
  it('has an entry for every rule id the engine can emit', () => {
    const emitted = new Set<string>();
    for (const f of engineFiles) for (const m of readFileSync(f, 'utf8').matchAll(idPattern)) if (!NOT_FINDINGS.has(m[1]!)) emitted.add(m[1]!);
    // The scan must see the rules from every emitting module, or it proves nothing.
    expect([...emitted]).toEqual(expect.arrayContaining(['link/not-whitelisted', 'competitor/promotion', 'payload/receiver-id-unsafe', 'window/quota', 'context/invalid', 'limits/too-many-findings']));
    expect([...emitted].filter((id) => !(id in RULE_CATALOG)).sort()).toEqual([]);
  });

  it('is not fooled by ids built at run time', () => {
    // A rule id assembled from parts would escape the scan above.
    const built = new RegExp(`\`(?:${ENGINE_FAMILIES.join('|')})/\\$\\{`);
    expect(engineFiles.filter((f) => built.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('documents only engine families, each with a summary and help', () => {
    for (const [id, doc] of Object.entries(RULE_CATALOG)) {
      expect(ENGINE_FAMILIES).toContain(id.split('/')[0]);
      expect(doc.short.length).toBeGreaterThan(0);
      expect(doc.help.length).toBeGreaterThan(doc.short.length);
    }
  });

  it('rejects malformed entries', () => {
    expect(RuleCatalogSchema.safeParse({ 'Link/Bad': { short: 'x', help: 'y' } }).success).toBe(false);
    expect(RuleCatalogSchema.safeParse({ 'link/ok': { short: '', help: 'y' } }).success).toBe(false);
  });

  it('falls back to the rule id and first message for an id it does not know', () => {
    expect(ruleDoc('link/scheme', 'ignored').short).toBe(RULE_CATALOG['link/scheme']!.short);
    expect(ruleDoc('link/new-rule', 'First message')).toEqual({ short: 'link/new-rule', help: 'First message' });
  });

  it('is exported from the package entry', () => {
    expect(api.RULE_CATALOG).toBe(RULE_CATALOG);
    expect(api.ruleDoc).toBe(ruleDoc);
  });
});
