import { DECIMAL, INT64_MAX, KNOWN_KEYS, type Content, type Payload, type PayloadType } from './schema.js';

/**
 * The hot path of gate.check: zod's safeParse is ~11% of a typical check (profiled
 * on the bench's mixed replies), so a well-formed payload is recognised by hand here
 * and built into exactly what the zod schemas would output. Anything this does not
 * accept falls through to zod, which stays the single source of truth for shapes and
 * for every error message; test/payload/fast.test.ts checks both agree.
 */

const INT64_DIGITS = /^(?:0|[1-9]\d{0,18})$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKnown(obj: Record<string, unknown>, known: ReadonlySet<string>): boolean {
  for (const key in obj) if (!known.has(key)) return false;
  return true;
}

function receiverId(v: unknown): string | null {
  if (typeof v === 'string') return INT64_DIGITS.test(v) && (v.length < 19 || BigInt(v) <= INT64_MAX) ? v : null;
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? String(v) : null;
  return null;
}

function saveSenderBox(v: unknown): 0 | 1 | null {
  if (v === undefined || v === 1 || v === '1') return 1;
  if (v === 0 || v === '0') return 0;
  return null;
}

/** Valid content for `type` from already-decoded data, or null to let zod decide. */
export function fastContent(type: PayloadType, data: Record<string, unknown>): Content | null {
  if (!onlyKnown(data, KNOWN_KEYS[type])) return null;
  switch (type) {
    case 'text':
      // No copy: only known keys are present, so the object is what zod would output.
      return typeof data.text === 'string' ? ({ type, data } as Content) : null;
    case 'position': {
      const { longitude, latitude } = data;
      return typeof longitude === 'string' && typeof latitude === 'string' && DECIMAL.test(longitude) && DECIMAL.test(latitude) ? ({ type, data } as Content) : null;
    }
    case 'articles': {
      if (!Array.isArray(data.articles)) return null;
      for (const a of data.articles as unknown[]) {
        if (!isRecord(a) || !onlyKnown(a, KNOWN_KEYS.article)) return null;
        if (typeof a.display_name !== 'string' || typeof a.summary !== 'string' || typeof a.image !== 'string' || typeof a.url !== 'string') return null;
      }
      return { type, data } as Content;
    }
  }
}

/** The whole payload when envelope and content are both plainly valid, else null. */
export function fastPayload(value: Record<string, unknown>, type: PayloadType, content: Content): Payload | null {
  if (!onlyKnown(value, KNOWN_KEYS.envelope)) return null;
  const receiver_id = receiverId(value.receiver_id);
  const save_sender_box = saveSenderBox(value.save_sender_box);
  if (receiver_id === null || save_sender_box === null) return null;
  if (value.access_token !== undefined && typeof value.access_token !== 'string') return null;
  const payload = { type, data: content.data, receiver_id, save_sender_box } as Payload;
  if (value.access_token !== undefined) payload.access_token = value.access_token as string;
  return payload;
}
