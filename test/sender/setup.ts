import { join } from 'node:path';
import { createSender, type GateLike, type Sender, type SenderEvent, type SenderOptions } from '../../src/sender/index.js';
import { startMockServer, type MockOptions, type MockServer } from '../../src/mock/index.js';
import { gate, tempDir, TOKEN } from './helpers.js';
import { freshDatabase, STORES, type StoreKind } from './pg.js';
import { describe } from 'vitest';

export interface Rig {
  dir: string;
  /** Where the outbox is: the SQLite file, or the PostgreSQL URL; `{ path: db }` opens either. */
  db: string;
  kind: StoreKind;
  mock: MockServer;
  sender: Sender;
  events: SenderEvent[];
  /** Opens a window on both sides: our ledger and the mock's (Weibo's) own. */
  open(receiver: string, kind?: 'message' | 'follow' | 'menu' | 'qrcode' | 'mention', at?: number): Promise<void>;
  close(): Promise<void>;
}

export type RigOptions = Parameters<typeof rig>[0];

/**
 * One behaviour suite for every store (SQLite, and PostgreSQL where configured):
 * `body` is run once per store, with a `rig` that opens that store.
 */
export function eachStore(body: (rig: (o?: RigOptions) => Promise<Rig>, kind: StoreKind) => void): void {
  describe.each(STORES)('%s outbox', (kind) => body((o = {}) => rig({ ...o, store: kind }), kind));
}

export async function rig(
  o: { store?: StoreKind; mock?: Partial<MockOptions>; sender?: Partial<SenderOptions>; gate?: GateLike; /** Runs inside the event, before the worker goes on. */ on?: (e: SenderEvent, mock: MockServer) => void } = {},
): Promise<Rig> {
  const { dir, cleanup } = tempDir();
  const kind = o.store ?? 'sqlite';
  const database = kind === 'postgres' ? await freshDatabase() : undefined;
  const db = database?.url ?? join(dir, 'outbox.db');
  const mock = await startMockServer({ token: TOKEN, ...o.mock });
  const events: SenderEvent[] = [];
  const now = o.sender?.now ?? Date.now;
  const sender = createSender({
    gate: o.gate ?? gate(),
    store: { path: db },
    endpoint: mock.url,
    token: TOKEN,
    timeoutMs: 1000,
    retry: { maxAttempts: 4, baseMs: 5, capMs: 40, rateLimitPauseMs: 50 },
    onEvent: (e) => {
      events.push(e);
      o.on?.(e, mock);
    },
    ...o.sender,
  });
  return {
    dir,
    db,
    kind,
    mock,
    sender,
    events,
    async open(receiver, kind = 'message', at = now()) {
      await sender.recordInbound({ from: receiver, kind, at });
      mock.inbound({ from: receiver, kind, at });
    },
    async close() {
      sender.close();
      await mock.close();
      await database?.drop();
      cleanup();
    },
  };
}
