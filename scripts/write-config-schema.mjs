// Part of `npm run build`: writes the config's JSON Schema, generated from its zod
// schema, into dist/ so it ships with the package.
import { writeFileSync } from 'node:fs';
import { configJsonSchema, CONFIG_SCHEMA_PATH } from '../dist/policy/json-schema.js';

writeFileSync(new URL(`../${CONFIG_SCHEMA_PATH}`, import.meta.url), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
