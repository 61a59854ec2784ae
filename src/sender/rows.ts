import type { MessageState, OutboxRecord } from './schemas.js';

/**
 * An outbox row as both stores' tables hold it (snake_case columns); `mention` is a
 * boolean on PostgreSQL and 0/1 on SQLite.
 */
export interface OutboxRow {
  seq: number;
  id: string;
  key: string | null;
  account: string;
  receiver_id: string;
  type: OutboxRecord['type'];
  data: string;
  save_sender_box: 0 | 1;
  state: MessageState;
  attempts: number;
  unknown_outcomes: number;
  operator_retries: number;
  next_at: number;
  reason: string | null;
  mention: boolean | number;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

export const recordOf = (r: OutboxRow): OutboxRecord => ({
  id: r.id,
  key: r.key,
  seq: r.seq,
  account: r.account,
  receiverId: r.receiver_id,
  type: r.type,
  data: r.data,
  saveSenderBox: r.save_sender_box,
  state: r.state,
  attempts: r.attempts,
  unknownOutcomes: r.unknown_outcomes,
  operatorRetries: r.operator_retries,
  nextAt: r.next_at,
  reason: r.reason,
  mention: r.mention === true || r.mention === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  sentAt: r.sent_at,
});
