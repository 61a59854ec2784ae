import type { InboundKind } from '../sender/schemas.js';
import { PushFormatError } from './errors.js';

/** Push types that carry a user's message (weibo-push.md "Pushes"). */
const MESSAGE_TYPES = new Set(['text', 'position', 'voice', 'image']);

/** `type: "event"` subtypes and the ledger kind each records (weibo-push.md "How this maps to the ledger"). */
const EVENT_KINDS: Readonly<Record<string, InboundKind>> = {
  follow: 'follow',
  subscribe: 'follow',
  scan: 'qrcode',
  scan_follow: 'qrcode',
  click: 'menu',
  mention: 'mention',
  unfollow: 'unfollow',
  unsubscribe: 'unfollow',
};

/** Every push label the service knows, for bounded metric labels. */
export const KNOWN_PUSH_LABELS: readonly string[] = [...MESSAGE_TYPES, ...Object.keys(EVENT_KINDS).map((s) => `event/${s}`)];

/** One push as Weibo sent it, parsed and typed. Ids are exact decimal strings. */
export interface Push {
  type: string;
  /** `data.subtype` of an event. */
  subtype?: string;
  /** The business account pushed to (int64 digits). */
  receiverId: string;
  /** The user who wrote, followed, mentioned… (int64 digits): the receiver of a reply. */
  senderId: string;
  /** `created_at` as written. */
  createdAt: string;
  /** `created_at` in epoch milliseconds. */
  at: number;
  text: string;
  data: Record<string, unknown>;
  /** What the push records in the ledger. */
  kind: InboundKind;
  /** `type` or `event/subtype`: a bounded label. */
  label: string;
  /** Weibo retries an unanswered push three times with no id: this one is sender_id + created_at + type. */
  eventId: string;
}

export type ParsedPush = { known: true; push: Push } | { known: false; type: string; subtype?: string };

const MONTHS: Readonly<Record<string, number>> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const WEIBO_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{1,2}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2}) ([0-9]{4})$/;

/**
 * Weibo's `created_at` (`Mon Jul 16 18:09:20 +0800 2012`) in epoch ms, or null. Read
 * field by field rather than by Date.parse, whose acceptance of this form is not
 * specified and differs between engines.
 */
export function parseWeiboDate(s: string): number | null {
  const m = WEIBO_DATE.exec(s);
  if (!m) return null;
  const [, mon, day, hh, mm, ss, sign, oh, om, year] = m;
  const d = Number(day);
  const utc = Date.UTC(Number(year), MONTHS[mon!]!, d, Number(hh), Number(mm), Number(ss));
  const check = new Date(utc);
  if (check.getUTCDate() !== d || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 60 || Number(om) > 59) return null;
  const offset = (Number(oh) * 60 + Number(om)) * 60_000 * (sign === '-' ? -1 : 1);
  return utc - offset;
}

/** An int64 id as Weibo writes it (a bare number, exact thanks to parseJsonExact) or as digits. */
function id(value: unknown, field: string): string {
  let s: string | undefined;
  if (typeof value === 'bigint') s = value.toString();
  else if (typeof value === 'number' && Number.isSafeInteger(value)) s = String(value);
  else if (typeof value === 'string') s = value;
  if (s === undefined || !/^[1-9][0-9]{0,18}$/.test(s) || BigInt(s) > 9223372036854775807n) {
    throw new PushFormatError(`push ${field}: expected a positive int64 id, got ${describe(value)}`, field);
  }
  return s;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'bigint') return v.toString();
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

const LABEL_MAX = 64;

/**
 * Reads a push body (already parsed by parseJsonExact). Unknown types and event
 * subtypes are not errors (Weibo may add them): they come back `known: false`. A push
 * of a known type with a missing or malformed field throws PushFormatError naming it.
 */
export function parsePush(body: unknown): ParsedPush {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new PushFormatError(`push body: expected a JSON object, got ${Array.isArray(body) ? 'an array' : describe(body)}`, '(body)');
  const b = body as Record<string, unknown>;
  if (typeof b.type !== 'string' || b.type === '') throw new PushFormatError(`push type: expected a string, got ${describe(b.type)}`, 'type');
  const type = b.type.slice(0, LABEL_MAX);
  const data = b.data === undefined || b.data === null ? {} : b.data;
  if (typeof data !== 'object' || Array.isArray(data)) throw new PushFormatError(`push data: expected an object, got ${describe(b.data)}`, 'data');
  const d = data as Record<string, unknown>;
  let kind: InboundKind | undefined;
  let subtype: string | undefined;
  if (MESSAGE_TYPES.has(type)) kind = 'message';
  else if (type === 'event') {
    if (typeof d.subtype !== 'string') throw new PushFormatError(`push data.subtype: an event needs one, got ${describe(d.subtype)}`, 'data.subtype');
    subtype = d.subtype.slice(0, LABEL_MAX);
    kind = Object.hasOwn(EVENT_KINDS, subtype) ? EVENT_KINDS[subtype] : undefined;
  }
  if (kind === undefined) return { known: false, type, ...(subtype !== undefined ? { subtype } : {}) };
  const receiverId = id(b.receiver_id, 'receiver_id');
  const senderId = id(b.sender_id, 'sender_id');
  if (typeof b.created_at !== 'string') throw new PushFormatError(`push created_at: expected a date such as "Mon Jul 16 18:09:20 +0800 2012", got ${describe(b.created_at)}`, 'created_at');
  const at = parseWeiboDate(b.created_at);
  if (at === null) throw new PushFormatError(`push created_at: ${describe(b.created_at)} is not a date such as "Mon Jul 16 18:09:20 +0800 2012"`, 'created_at');
  if (b.text !== undefined && typeof b.text !== 'string') throw new PushFormatError(`push text: expected a string, got ${describe(b.text)}`, 'text');
  const label = subtype === undefined ? type : `event/${subtype}`;
  return {
    known: true,
    push: {
      type,
      ...(subtype !== undefined ? { subtype } : {}),
      receiverId,
      senderId,
      createdAt: b.created_at,
      at,
      text: b.text ?? '',
      data: d,
      kind,
      label,
      eventId: `push:${receiverId}:${senderId}:${b.created_at}:${label}`,
    },
  };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = Object.keys(MONTHS);

/** Epoch ms as Weibo writes `created_at`, in Beijing time (`Mon Jul 16 18:09:20 +0800 2012`). */
export function formatWeiboDate(ms: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000 + 8 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTH_NAMES[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0800 ${d.getUTCFullYear()}`;
}
