import { z } from 'zod';

/** Options of findLinks; the schema is the one definition, the type is inferred from it. */
export const FindLinksOptionsSchema = z
  .object({
    /** Report disguised links (`example。cn`, `example[.]cn`, `example 点 cn`, zero-width inside). */
    obfuscated: z.boolean().default(true),
    /** Report links with a scheme other than http/https (`javascript:`, `weixin://`, `data:`). */
    schemes: z.boolean().default(true),
    /** Report scheme-less hosts (`example.com/path`); off means only links written with a scheme. */
    bare: z.boolean().default(true),
    /** Stop after this many links; a caller that gets exactly this many knows the rest was not scanned. */
    maxLinks: z.number().int().positive().optional(),
  })
  .strict();

export type FindLinksOptions = z.input<typeof FindLinksOptionsSchema>;
export type ResolvedFindLinksOptions = z.output<typeof FindLinksOptionsSchema>;

export const DEFAULT_FIND_LINKS_OPTIONS: ResolvedFindLinksOptions = Object.freeze(FindLinksOptionsSchema.parse({}));

export function resolveFindLinksOptions(options: FindLinksOptions | undefined): ResolvedFindLinksOptions {
  return options === undefined ? DEFAULT_FIND_LINKS_OPTIONS : FindLinksOptionsSchema.parse(options);
}
