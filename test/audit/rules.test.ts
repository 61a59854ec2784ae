import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_CATALOG } from '../../src/checks/catalog.js';
import { AUDIT_RULE_DOCS, RULE_DOCS, ruleDoc } from '../../src/audit/rules.js';

const AUDIT_SRC = join(import.meta.dirname, '../../src/audit');

const sourceFiles = readdirSync(AUDIT_SRC, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && f !== 'rules.ts')
  .map((f) => join(AUDIT_SRC, f));

describe('audit rule docs', () => {
  it('document every rule id the audit raises itself', () => {
    const raised = new Set<string>();
    for (const f of sourceFiles) for (const m of readFileSync(f, 'utf8').matchAll(/['"`]((?:audit|link)\/[a-z0-9-]+)['"`]/g)) raised.add(m[1]!);
    expect([...raised]).toContain('audit/unreadable');
    expect([...raised].filter((id) => !(id in RULE_DOCS)).sort()).toEqual([]);
  });

  it('keep the engine rules in the engine catalogue, not here', () => {
    expect(Object.keys(AUDIT_RULE_DOCS).filter((id) => id in RULE_CATALOG)).toEqual([]);
    expect(Object.keys(AUDIT_RULE_DOCS).every((id) => id.startsWith('audit/') || id === 'link/unresolved')).toBe(true);
  });

  it('merge the engine catalogue with the audit rules', () => {
    expect(ruleDoc('competitor/promotion', 'x')).toEqual(RULE_CATALOG['competitor/promotion']);
    expect(ruleDoc('audit/unreadable', 'x')).toEqual(AUDIT_RULE_DOCS['audit/unreadable']);
    expect(ruleDoc('audit/something-new', 'The first message')).toEqual({ short: 'audit/something-new', help: 'The first message' });
  });
});
