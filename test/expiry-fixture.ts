/**
 * A project config with one whitelist entry that expired the day before `now` and
 * one that expires ten days after it: the two policy warnings every front door must
 * say once. Dates are computed from `now`, never written into the fixture.
 */
const DAY = 86_400_000;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

export function expiryFixture(now: Date = new Date()) {
  const expired = isoDay(now.getTime() - DAY);
  const expiring = isoDay(now.getTime() + 10 * DAY);
  const config = `whitelist:
  - domain: lapsed-shop.example.com
    source: Weibo whitelist approval, 2020-01
    added: 2020-01-02
    expires: ${expired}
  - domain: soon-shop.example.com
    source: Weibo whitelist approval, 2020-01
    added: 2020-01-02
    expires: ${expiring}
`;
  return {
    config,
    expired,
    expiring,
    /** Line of each entry's `expires` field in weibo-guard.config.yaml. */
    lines: { expired: 5, expiring: 9 },
    expiredMessage: `lapsed-shop.example.com: expired on ${expired}; the entry no longer applies (renew or remove it)`,
    expiringMessage: `soon-shop.example.com: expires on ${expiring}`,
  };
}
