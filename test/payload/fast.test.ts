import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fastContent, fastPayload } from '../../src/payload/fast.js';
import { DATA_SCHEMAS, PayloadSchema, PAYLOAD_TYPES, type PayloadType } from '../../src/payload/schema.js';

/** Values near the edges of every field: the hand-written fast path must never accept what zod refuses, nor output anything else. */
const str = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('', '0', '01', '1.5', '-1', '9223372036854775807', '9223372036854775808', '180', '-90.5', '1e3', ' 1'));
const anyValue = fc.oneof(str, fc.integer(), fc.double(), fc.constantFrom(undefined, null, true, 0, 1, 2 ** 53, -1, 1.5, 12n), fc.array(str, { maxLength: 2 }));
const article = fc.record(
  { display_name: fc.oneof({ arbitrary: str, weight: 4 }, anyValue), summary: str, image: str, url: fc.oneof({ arbitrary: str, weight: 4 }, anyValue), extra: anyValue },
  { requiredKeys: ['display_name', 'summary', 'image', 'url'] },
).chain((a) => fc.constantFrom(a, { ...a, extra: undefined }, Object.fromEntries(Object.entries(a).filter(([k]) => k !== 'extra'))));
const data = fc.oneof(
  fc.record({ text: fc.oneof(str, anyValue) }, { requiredKeys: [] }),
  fc.record({ articles: fc.oneof(fc.array(article, { maxLength: 3 }), anyValue) }, { requiredKeys: [] }),
  fc.record({ longitude: str, latitude: fc.oneof(str, anyValue) }, { requiredKeys: ['longitude'] }),
  fc.record({ text: str, note: str }),
);
const message = fc.record(
  {
    type: fc.constantFrom(...PAYLOAD_TYPES),
    data,
    receiver_id: fc.oneof(str, anyValue, fc.constantFrom('1722052204', 1722052204, '9223372036854775807')),
    save_sender_box: fc.oneof(anyValue, fc.constantFrom(0, 1, '0', '1')),
    access_token: fc.oneof(str, anyValue),
  },
  { requiredKeys: ['type', 'data'] },
);

describe('hand-checked fast path agrees with the zod schema', () => {
  test('whatever the fast path accepts, zod accepts with the same output', () => {
    let accepted = 0;
    fc.assert(
      fc.property(message, (m) => {
        const record = m as Record<string, unknown>;
        const content = fastContent(m.type as PayloadType, record.data as Record<string, unknown>);
        const fast = content ? fastPayload(record, m.type as PayloadType, content) : null;
        const slow = PayloadSchema.safeParse(m);
        if (fast) {
          accepted++;
          expect(slow.success).toBe(true);
          expect(fast).toEqual(slow.data);
        }
        if (content) {
          const zodData = DATA_SCHEMAS[m.type as PayloadType].safeParse(record.data);
          expect(zodData.success).toBe(true);
          expect(content.data).toEqual(zodData.data);
        }
      }),
      { numRuns: 5000 },
    );
    // The generator reaches the accepting side too, so the property is not vacuous.
    expect(accepted).toBeGreaterThan(10);
  });
});
