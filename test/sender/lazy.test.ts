import { expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tempDir } from './helpers.js';

const require = createRequire(import.meta.url);
const loaded = () => Object.keys(require.cache).some((k) => k.includes(`${'node_modules'}/better-sqlite3/`));

it('importing the sender does not load better-sqlite3; creating a SQLite store does', async () => {
  const sender = await import('../../src/sender/index.js');
  expect(loaded()).toBe(false);
  const { dir, cleanup } = tempDir();
  try {
    const store = sender.createSqliteStore({ path: join(dir, 'o.db') });
    expect(loaded()).toBe(true);
    store.close();
  } finally {
    cleanup();
  }
});
