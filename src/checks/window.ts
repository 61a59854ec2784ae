import type { Context, ContextInput } from '../context.js';
import type { Finding, RuleId } from '../findings.js';
import type { Limits } from '../policy/schema.js';

/** `rules/limits.yaml` `window`: hours, quota, mentionQuota (configurable: sources disagree on the quota). */
export type WindowLimits = Limits['window'];

const PATH = 'receiver_id';

function finding(rule: RuleId, en: string, zh: string, detail: string): Finding {
  return { rule, severity: 'error', message: { en, zh }, path: PATH, evidence: { detail } };
}

/**
 * Window rules from the reply API document, judged on the ledger's view of the
 * receiver (context.window). No window in the context means no conversation is
 * known (a template linter), so no rule runs.
 */
export function checkWindow(context: Pick<Context, 'window'> | ContextInput | undefined, limits: WindowLimits): Finding[] {
  const w = context?.window;
  if (!w) return [];
  const hours = `${limits.hours}h`;
  switch (w.state) {
    case 'unfollowed':
      return [
        finding(
          'window/unfollowed',
          'The receiver unfollowed the account; no reply may be sent until they open a conversation again.',
          '接收者已取消关注，在其再次发起会话前不能回复。',
          'unfollow closes every window',
        ),
      ];
    case 'none':
      return [
        finding(
          'window/expired',
          `No conversation window is open: the receiver has not messaged, followed, clicked a menu, scanned a QR code or mentioned the account in the last ${hours}.`,
          `没有打开的会话窗口：接收者在最近 ${limits.hours} 小时内没有私信、关注、点击菜单、扫码或 @ 本账号。`,
          `no inbound event; window ${hours}`,
        ),
      ];
    case 'expired':
      return [
        finding(
          'window/expired',
          `The conversation window closed${w.expiresAt ? ` at ${w.expiresAt}` : ''}: replies are allowed only within ${hours} of the receiver's last message, follow, menu click, QR scan or mention.`,
          `会话窗口已${w.expiresAt ? `于 ${w.expiresAt} ` : ''}关闭：只能在接收者最近一次私信、关注、点击菜单、扫码或 @ 后的 ${limits.hours} 小时内回复。`,
          `window ${hours}${w.expiresAt ? `, closed ${w.expiresAt}` : ''}`,
        ),
      ];
    case 'open':
      if (w.remaining !== undefined && w.remaining <= 0) {
        return w.mentionOnly
          ? [
              finding(
                'window/mention-once',
                `A mention allows only ${limits.mentionQuota} reply within ${hours}, and it has been used.`,
                `@ 提及在 ${limits.hours} 小时内只允许回复 ${limits.mentionQuota} 次，已用完。`,
                `mention quota ${limits.mentionQuota} per ${hours}`,
              ),
            ]
          : [
              finding(
                'window/quota',
                `The reply quota for this window is used up (${limits.quota} replies per ${hours}).`,
                `本会话窗口的回复配额已用完（每 ${limits.hours} 小时 ${limits.quota} 条）。`,
                `quota ${limits.quota} per ${hours}`,
              ),
            ];
      }
      return [];
  }
}
