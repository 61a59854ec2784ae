import type { WindowState } from '../context.js';
import type { WindowLimits } from '../checks/window.js';
import type { InboundKind } from './schemas.js';

export const OPENERS: readonly InboundKind[] = ['message', 'follow', 'menu', 'qrcode'];

/** The latest event of each sort for one account and receiver (epoch ms). */
export interface LaneEvents {
  lastUnfollow: number | null;
  lastOpener: number | null;
  lastMention: number | null;
}

/**
 * Window semantics (DESIGN.md, the API document): the latest message/follow/menu/QR
 * event opens `hours` with `quota` replies, counted from that event; the latest
 * mention opens `hours` with `mentionQuota` replies; an unfollow closes everything
 * opened before it (ties count as closed: a reply must never race an unfollow).
 * `repliesSince(t)` counts quota slots taken at or after t.
 */
export function windowOf(ev: LaneEvents, now: number, limits: WindowLimits, repliesSince: (t: number) => number): WindowState {
  const ms = limits.hours * 3_600_000;
  const after = (t: number | null): number | null => (t !== null && (ev.lastUnfollow === null || t > ev.lastUnfollow) ? t : null);
  const opener = after(ev.lastOpener);
  const mention = after(ev.lastMention);
  if (opener !== null && now < opener + ms) {
    return { state: 'open', remaining: Math.max(0, limits.quota - repliesSince(opener)), expiresAt: iso(opener + ms) };
  }
  if (mention !== null && now < mention + ms) {
    return { state: 'open', mentionOnly: true, remaining: Math.max(0, limits.mentionQuota - repliesSince(mention)), expiresAt: iso(mention + ms) };
  }
  const last = Math.max(opener ?? -1, mention ?? -1);
  if (last >= 0) return { state: 'expired', expiresAt: iso(last + ms) };
  return { state: ev.lastUnfollow !== null ? 'unfollowed' : 'none' };
}

const iso = (t: number): string => new Date(t).toISOString();
