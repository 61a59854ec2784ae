import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pgUrl, postgresTest } from '../system.js';

/** The stores every behaviour test of the sender runs on: SQLite always, PostgreSQL where a cluster is configured (and always in CI). */
export type StoreKind = 'sqlite' | 'postgres';
export const STORES: StoreKind[] = postgresTest.missing ? ['sqlite'] : ['sqlite', 'postgres'];

/**
 * An outbox of its own on the test cluster, for one test: an empty schema, chosen by
 * the URL's search_path (as a deployment keeping the outbox apart would), dropped after
 * with everything in it. A schema costs milliseconds; a database, a second.
 */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = pgUrl();
  const name = `wg_t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await adminQuery(admin, `CREATE SCHEMA ${name}`);
  const u = new URL(admin);
  u.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: u.toString(),
    drop: async () => {
      await adminQuery(admin, `DROP SCHEMA IF EXISTS ${name} CASCADE`);
    },
  };
}

export async function adminQuery(url: string, sql: string, args: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql, args);
  } finally {
    await c.end();
  }
}
