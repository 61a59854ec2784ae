import { z } from 'zod';
import { ConfigSchema } from './schema.js';

/** Where the schema is shipped in the package, for editors (yaml-language-server, VS Code). */
export const CONFIG_SCHEMA_PATH = 'dist/config.schema.json';

/**
 * The project config's JSON Schema, generated from the zod schema that validates it, so
 * an editor's completion and the loader never disagree. Input shape: defaults are
 * optional there. Refinements zod cannot express (a domain that is a public suffix, a
 * date in the past) are left to the loader, which reports them with file:line.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    title: 'weibo-guard project config',
    description: "A project's additions to weibo-guard's shipped policy: its own verified sites, denies, audit ignores, default context and limit overrides.",
  };
}
