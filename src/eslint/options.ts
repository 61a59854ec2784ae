import { z } from 'zod';
import { AccountSchema, ChannelSchema } from '../context.js';

/**
 * The one option object every weibo-guard rule takes. The zod schema is the source of
 * truth: the rule's JSON `meta.schema`, its `defaultOptions` and the TypeScript type
 * are all derived from it.
 */
export const RuleOptionsSchema = z
  .object({
    /** Path to `weibo-guard.config.*`, relative to ESLint's cwd; absent = look it up from cwd. */
    config: z.string().min(1).optional(),
    /** Absent: the project config's default, else `enterprise` (as the gate resolves it). */
    account: AccountSchema.optional(),
    /** Absent: the project config's default, else `reply`. */
    channel: ChannelSchema.optional(),
    /**
     * Engine warnings (findings that do not block sending, e.g. `competitor/mention`)
     * are reported with their own message id; `false` drops them, for a CI that
     * should fail only on what the gate would block.
     */
    advisories: z.boolean().default(true),
  })
  .strict();

export type RuleOptions = z.infer<typeof RuleOptionsSchema>;
export type RuleOptionsInput = z.input<typeof RuleOptionsSchema>;

/** ESLint validates options with draft-04 JSON Schema and no `$schema` key of ours. */
function toEslintSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dropped, ...rest } = z.toJSONSchema(schema, { target: 'draft-04', io: 'input' }) as Record<string, unknown>;
  return rest;
}

export const ruleOptionsJsonSchema = [toEslintSchema(RuleOptionsSchema)];
export const defaultRuleOptions: [RuleOptions] = [RuleOptionsSchema.parse({})];

/** ESLint has already validated against the JSON schema; zod fills what defaults merged in. */
export function readRuleOptions(raw: readonly unknown[]): RuleOptions {
  return RuleOptionsSchema.parse(raw[0] ?? {});
}
