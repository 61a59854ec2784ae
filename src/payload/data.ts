import type { z } from 'zod';

export type Decoded = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * The API's `data` parameter is "a JSON string after URL encoding". We accept it
 * encoded (`%7B%22text%22…`, with `+` for space as a form body writes it) or as
 * plain JSON text (`{"text":…}`, which is what a form decoder leaves). Plain JSON is
 * tried first when it starts with `{`, because URL-decoding it would turn a literal
 * `%41` in the text into `A`.
 */
export function decodeDataString(data: string): Decoded {
  const trimmed = data.trimStart();
  if (trimmed.startsWith('{')) return parseJson(trimmed);
  let json: string;
  try {
    json = decodeURIComponent(data.replaceAll('+', ' '));
  } catch {
    return { ok: false, message: 'is not valid URL encoding (a stray "%"?)' };
  }
  if (!json.trimStart().startsWith('{')) return { ok: false, message: 'must be a JSON object, URL-encoded (it starts with %7B)' };
  return parseJson(json);
}

function parseJson(json: string): Decoded {
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch (err) {
    return { ok: false, message: `is not valid JSON after URL-decoding: ${(err as Error).message}` };
  }
}

/** zod preprocess step: strings are decoded, anything else passes through to the schema. */
export function decodeData(value: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof value !== 'string') return value;
  const decoded = decodeDataString(value);
  if (decoded.ok) return decoded.value;
  ctx.addIssue({ code: 'custom', message: decoded.message, params: { rule: 'payload/data-encoding' } });
  return undefined;
}
