import type { OutboxStore } from './store.js';
import { createSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import { createPostgresStore, isPostgresUrl, type PostgresStoreOptions } from './pg-store.js';

/**
 * Where the outbox is: a SQLite file (`path`, the default) or a PostgreSQL server
 * (`url`, or a `postgres://`/`postgresql://` URL given as `path` or as the string).
 * Options of the other engine are ignored.
 */
export type StoreSpec = SqliteStoreOptions & PostgresStoreOptions & { url?: string };

export function openStore(spec: string | StoreSpec = {}): OutboxStore {
  const o: StoreSpec = typeof spec === 'string' ? (isPostgresUrl(spec) ? { url: spec } : { path: spec }) : spec;
  const url = o.url ?? (o.path !== undefined && isPostgresUrl(o.path) ? o.path : undefined);
  if (url !== undefined) {
    return createPostgresStore(url, {
      ...(o.poolSize !== undefined ? { poolSize: o.poolSize } : {}),
      ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
    });
  }
  return createSqliteStore(o);
}
