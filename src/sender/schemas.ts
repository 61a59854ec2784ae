import { z } from 'zod';
import { PayloadTypeSchema, ReceiverIdSchema } from '../payload/schema.js';

export const InboundKindSchema = z.enum(['message', 'follow', 'menu', 'qrcode', 'mention', 'unfollow']);
export type InboundKind = z.infer<typeof InboundKindSchema>;

/** Epoch milliseconds, from an ISO date-time string or a number. */
export const TimeSchema = z
  .union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));

export const InboundEventSchema = z
  .object({
    /** The business account the event was pushed to (one token, one account). */
    account: z.string().min(1).default('default'),
    /** The user who messaged, followed, mentioned… (the future receiver). */
    from: ReceiverIdSchema,
    kind: InboundKindSchema,
    at: TimeSchema,
    /** Weibo re-pushes an unanswered event up to three times; this de-duplicates them. */
    eventId: z.string().min(1).optional(),
  })
  .strict();
export type InboundEvent = z.infer<typeof InboundEventSchema>;
export type InboundEventInput = z.input<typeof InboundEventSchema>;

export const MessageStateSchema = z.enum(['queued', 'sending', 'sent', 'failed', 'uncertain', 'dropped']);
export type MessageState = z.infer<typeof MessageStateSchema>;

/** One outbox row as every store returns it. */
export const OutboxRecordSchema = z.object({
  id: z.string(),
  /** Caller's idempotency key: enqueueing the same key twice stores one message. */
  key: z.string().nullable(),
  seq: z.number().int(),
  account: z.string(),
  receiverId: z.string(),
  type: PayloadTypeSchema,
  /** JSON text of `data`. */
  data: z.string(),
  saveSenderBox: z.union([z.literal(0), z.literal(1)]),
  state: MessageStateSchema,
  /** Attempts that counted against the retry bound (rate-limit pauses do not). */
  attempts: z.number().int(),
  /** Attempts whose outcome was unknown (timeout after sending, crash mid-request). */
  unknownOutcomes: z.number().int(),
  /** Times a person sent an uncertain message again (`outbox retry`): each may duplicate it. */
  operatorRetries: z.number().int(),
  nextAt: z.number().int(),
  reason: z.string().nullable(),
  /** The window at enqueue was a mention's: an unknown outcome is held, not re-sent. */
  mention: z.boolean(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  sentAt: z.number().int().nullable(),
});
export type OutboxRecord = z.infer<typeof OutboxRecordSchema>;

export const UnknownOutcomePolicySchema = z.enum(['resend', 'hold']);
export type UnknownOutcomePolicy = z.infer<typeof UnknownOutcomePolicySchema>;

/** What to do when a request may or may not have reached Weibo. */
export const UnknownOutcomeSchema = z
  .object({
    /** At-least-once: a possible duplicate beats a lost reply. */
    default: UnknownOutcomePolicySchema.default('resend'),
    /** A mention allows one reply: a duplicate would break the rule, so a person decides. */
    mention: UnknownOutcomePolicySchema.default('hold'),
    /**
     * Automatic resends of one message after unknown outcomes; then it is held
     * `uncertain` for a person. A message is thus delivered at most 1 + maxResends
     * times without a human decision.
     */
    maxResends: z.number().int().nonnegative().default(1),
  })
  .strict();
export type UnknownOutcome = z.infer<typeof UnknownOutcomeSchema>;
