import { z } from 'zod';
import type { RuleId } from '../findings.js';
import { decodeData } from './data.js';

/**
 * The reply payload of `POST /2/messages/reply/biz.json` (seeds/003): the single
 * source of truth for its shape. Limits that policy can change (text length, article
 * count, image formats, coordinate ranges) are not here: they live in
 * rules/limits.yaml and are checked with the rest of the policy.
 */

export const PAYLOAD_TYPES = ['text', 'articles', 'position'] as const;
export const PayloadTypeSchema = z.enum(PAYLOAD_TYPES);
export type PayloadType = z.infer<typeof PayloadTypeSchema>;

/** Rule id carried on a refinement's issue; the finding mapper words it (`parseMessage`). */
export const issueRule = (rule: RuleId) => ({ params: { rule } });

export const TextDataSchema = z.object({ text: z.string() });

export const ArticleSchema = z.object({
  display_name: z.string(),
  summary: z.string(),
  image: z.string(),
  url: z.string(),
});

export const ArticlesDataSchema = z.object({ articles: z.array(ArticleSchema) });

/** Plain decimal: optional sign, digits, optional fraction. Anchored, no nested quantifiers. */
export const DECIMAL = /^[+-]?\d+(?:\.\d+)?$/;

const CoordinateSchema = z.string().regex(DECIMAL);

export const PositionDataSchema = z.object({ longitude: CoordinateSchema, latitude: CoordinateSchema });

export const INT64_MAX = 9223372036854775807n;

/** Canonical decimal digits of a non-negative int64 (no sign, no leading zeros). */
const INT64_DIGITS = /^(?:0|[1-9]\d{0,18})$/;

/**
 * `receiver_id` is an int64. It is kept exactly as a decimal string: a digits string
 * or bigint is accepted as is; a JS number only while it is a safe integer, because a
 * larger one has already been rounded by whoever parsed it.
 */
export const ReceiverIdSchema = z
  .union([
    z.string().regex(INT64_DIGITS),
    z.bigint(),
    z
      .number()
      .refine(Number.isInteger, { ...issueRule('payload/receiver-id'), abort: true })
      .refine(Number.isSafeInteger, issueRule('payload/receiver-id-unsafe')),
  ])
  .transform((v) => (typeof v === 'string' ? v : v.toString()))
  .refine((v) => INT64_DIGITS.test(v) && BigInt(v) <= INT64_MAX, issueRule('payload/receiver-id'));

/** The API takes 0 or 1; a form body carries them as strings. Default 1. */
const SaveSenderBoxSchema = z
  .union([z.literal(0), z.literal(1), z.literal('0'), z.literal('1')])
  .transform((v) => Number(v) as 0 | 1)
  .default(1);

/** `data` is an object, or the URL-encoded JSON string the API itself sends. */
const dataOf = <T extends z.ZodType>(schema: T) => z.preprocess(decodeData, schema);

const envelope = {
  receiver_id: ReceiverIdSchema,
  save_sender_box: SaveSenderBoxSchema,
  access_token: z.string().optional(),
};

const TextPayloadSchema = z.object({ type: z.literal('text'), data: dataOf(TextDataSchema), ...envelope });
const ArticlesPayloadSchema = z.object({ type: z.literal('articles'), data: dataOf(ArticlesDataSchema), ...envelope });
const PositionPayloadSchema = z.object({ type: z.literal('position'), data: dataOf(PositionDataSchema), ...envelope });

/** The envelope alone, so a bad receiver_id does not hide what the data says (and vice versa). */
export const EnvelopeSchema = z.object({ type: PayloadTypeSchema, data: z.unknown(), ...envelope });

/** The data schema for each type, applied to already-decoded data. */
export const DATA_SCHEMAS = { text: TextDataSchema, articles: ArticlesDataSchema, position: PositionDataSchema } as const;

export const PayloadSchema = z.discriminatedUnion('type', [TextPayloadSchema, ArticlesPayloadSchema, PositionPayloadSchema]);

export type TextData = z.infer<typeof TextDataSchema>;
export type Article = z.infer<typeof ArticleSchema>;
export type ArticlesData = z.infer<typeof ArticlesDataSchema>;
export type PositionData = z.infer<typeof PositionDataSchema>;
export type Payload = z.infer<typeof PayloadSchema>;
export type PayloadInput = z.input<typeof PayloadSchema>;
/** A payload's content whose data is valid, whatever the envelope says. */
export type Content = { [K in PayloadType]: { type: K; data: z.infer<(typeof DATA_SCHEMAS)[K]> } }[PayloadType];

/** Top-level and per-type keys the API knows; anything else is reported, not dropped silently. */
export const KNOWN_KEYS = {
  envelope: new Set(['type', 'data', ...Object.keys(envelope)]),
  text: new Set(Object.keys(TextDataSchema.shape)),
  articles: new Set(Object.keys(ArticlesDataSchema.shape)),
  article: new Set(Object.keys(ArticleSchema.shape)),
  position: new Set(Object.keys(PositionDataSchema.shape)),
} as const;
