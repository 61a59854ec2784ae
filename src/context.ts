import { z } from 'zod';

/**
 * Who is sending, and where. Defaults: an enterprise (verified business) account
 * replying through the Fan Service Platform.
 */
export const AccountSchema = z.enum(['enterprise', 'personal']);
export const ChannelSchema = z.enum(['reply', 'post', 'ad']);
export type Account = z.infer<typeof AccountSchema>;
export type Channel = z.infer<typeof ChannelSchema>;
/** Each channel as Chinese messages name it. */
export const CHANNEL_ZH: Readonly<Record<Channel, string>> = { reply: '回复', post: '发帖', ad: '广告' };

/**
 * The conversation window as the sender's ledger sees it for one receiver
 * (the sender fills it; the gate only reads it). Absent means "not known here", and
 * then no window rule runs: a template linter has no conversation.
 */
export const WindowStateSchema = z
  .object({
    /** Why the window is what it is. */
    state: z.enum(['open', 'expired', 'none', 'unfollowed']),
    /** Replies still allowed in the open window. */
    remaining: z.number().int().nonnegative().optional(),
    /** True when the only opener is an @mention (one reply allowed). */
    mentionOnly: z.boolean().optional(),
    /** ISO time the window closes. */
    expiresAt: z.string().optional(),
  })
  .strict();
export type WindowState = z.infer<typeof WindowStateSchema>;

export const ContextSchema = z
  .object({
    account: AccountSchema.default('enterprise'),
    channel: ChannelSchema.default('reply'),
    paidLinks: z.boolean().default(false),
    window: WindowStateSchema.optional(),
  })
  .strict();
export type Context = z.infer<typeof ContextSchema>;
export type ContextInput = z.input<typeof ContextSchema>;

