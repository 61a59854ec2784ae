import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KNOWN_CODES, kindOf, type ErrorKind } from '../../src/sender/errors.js';

/**
 * The code table is checked against its source, /work/shared/weibo-error-codes.md,
 * which sits beside the clone (in CI too); WEIBO_GUARD_SHARED points elsewhere.
 */
const SHARED = process.env.WEIBO_GUARD_SHARED ?? fileURLToPath(new URL('../../../shared/', import.meta.url));
const SOURCE = `${SHARED.replace(/\/?$/, '/')}weibo-error-codes.md`;
const present = existsSync(SOURCE);
if (!present && !process.env.CI) process.stderr.write(`weibo-guard: ${SOURCE} not found: skipping the error-table check (set WEIBO_GUARD_SHARED)\n`);

/**
 * Codes whose kind here deliberately differs from the source, or that the source
 * leaves out, each with the reason.
 */
const DEVIATIONS: Record<number, { kind: ErrorKind; reason: string }> = {
  21318: {
    kind: 'auth',
    reason: "Weibo's Error_code page lists 21318 as 'Pin码认证失败' (PIN authentication failed), inside the 21314–21319 token range; the shared compilation leaves it out",
  },
};

/** The source's words for a kind → the kinds they allow ("rate limit / config": either). */
function kindsOf(words: string): ErrorKind[] {
  const out = new Set<ErrorKind>();
  for (const part of words.split('/').map((p) => p.trim().toLowerCase())) {
    if (part.startsWith('transient')) out.add('transient');
    else if (part.startsWith('rate limit')) out.add('rate-limit');
    else if (part.startsWith('auth')) out.add('auth');
    else if (part.startsWith('config')) out.add('config');
    else if (part.startsWith('permanent')) out.add('permanent');
    else throw new Error(`${SOURCE}: unknown kind ${JSON.stringify(words)}`);
  }
  return [...out];
}

function sourceTable(): Map<number, { kinds: ErrorKind[]; line: number }> {
  const rows = new Map<number, { kinds: ErrorKind[]; line: number }>();
  readFileSync(SOURCE, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      const m = /^\|\s*(\d{5})\s*\|[^|]*\|([^|]+)\|\s*$/.exec(l);
      if (m) rows.set(Number(m[1]), { kinds: kindsOf(m[2]!), line: i + 1 });
    });
  return rows;
}

describe.skipIf(!present && !process.env.CI)('the error-code table against weibo-error-codes.md', () => {
  it('reads the source table (it must not silently parse nothing)', () => {
    expect(existsSync(SOURCE), `${SOURCE} is required in CI`).toBe(true);
    expect(sourceTable().size).toBeGreaterThan(30);
  });

  it('classifies every listed code as the source says, whatever the HTTP status', () => {
    const wrong: string[] = [];
    for (const [code, { kinds, line }] of sourceTable()) {
      const expected = DEVIATIONS[code] ? [DEVIATIONS[code].kind] : kinds;
      for (const status of [200, 400, 403, 500]) {
        const got = kindOf(code, status);
        if (!expected.includes(got)) wrong.push(`${code} (weibo-error-codes.md:${line}) with HTTP ${status}: ${got}, expected ${expected.join(' or ')}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('knows no code the source does not list, unless the deviation says why', () => {
    const listed = sourceTable();
    expect(KNOWN_CODES.filter((c) => !listed.has(c) && !(c in DEVIATIONS))).toEqual([]);
    for (const [code, d] of Object.entries(DEVIATIONS)) {
      expect(kindOf(Number(code), 400), d.reason).toBe(d.kind);
      expect(d.reason.length).toBeGreaterThan(20);
    }
  });
});
