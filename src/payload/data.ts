import type { z } from 'zod';
import type { RuleId } from '../findings.js';
import { findDuplicateKeys, type DuplicateKey } from './json.js';

/**
 * `json` is the JSON text that was parsed (URL-decoded when `encoded`), which the
 * positions of `duplicates` point into.
 */
export type Decoded = { ok: true; value: unknown; json: string; encoded: boolean; duplicates: readonly DuplicateKey[] } | { ok: false; message: string };

/**
 * The API's `data` parameter is "a JSON string after URL encoding". We accept it
 * encoded (`%7B%22text%22…`, with `+` for space as a form body writes it) or as
 * plain JSON text (`{"text":…}`, which is what a form decoder leaves). Plain JSON is
 * tried first when it starts with `{`, because URL-decoding it would turn a literal
 * `%41` in the text into `A`.
 */
export function decodeDataString(data: string): Decoded {
  const trimmed = data.trimStart();
  if (trimmed.startsWith('{')) return parseJson(data, false);
  let json: string;
  try {
    json = decodeURIComponent(data.replaceAll('+', ' '));
  } catch {
    return { ok: false, message: 'is not valid URL encoding (a stray "%"?)' };
  }
  if (!json.trimStart().startsWith('{')) return { ok: false, message: 'must be a JSON object, URL-encoded (it starts with %7B)' };
  return parseJson(json, true);
}

function parseJson(json: string, encoded: boolean): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { ok: false, message: `is not valid JSON after URL-decoding: ${(err as Error).message}` };
  }
  return { ok: true, value, json, encoded, duplicates: typeof value === 'object' && value !== null ? findDuplicateKeys(json) : [] };
}

/** zod preprocess step: strings are decoded, anything else passes through to the schema. */
export function decodeData(value: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof value !== 'string') return value;
  const decoded = decodeDataString(value);
  if (decoded.ok) return decoded.value;
  ctx.addIssue({ code: 'custom', message: decoded.message, params: { rule: 'payload/data-encoding' satisfies RuleId } });
  return undefined;
}
