import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Verdict } from '../findings.js';
import type { MessageState } from '../sender/schemas.js';
import type { SenderEvent } from '../sender/sender.js';
import { KNOWN_PUSH_LABELS } from './push.js';

/** What the gauges read at each scrape: the outbox as it stands. */
export interface OutboxView {
  counts(): Promise<Record<MessageState, number>>;
  /** createdAt of the oldest queued message, or null. */
  oldestQueuedAt(): Promise<number | null>;
  now(): number;
}

export type CheckSource = 'check' | 'messages' | 'handler';

/**
 * The service's Prometheus families, on a registry of their own (never the global
 * one, so two services in one process do not collide). Every label takes a bounded
 * set of values: rule ids come from the catalogue, push types outside the known ones
 * are counted as `unknown`.
 */
export class ServeMetrics {
  readonly registry = new Registry();
  private readonly checks: Counter<'verdict' | 'source'>;
  private readonly findings: Counter<'rule' | 'severity'>;
  private readonly pushes: Counter<'type'>;
  private readonly duplicates: Counter;
  private readonly refused: Counter<'route'>;
  private readonly sends: Counter<'outcome'>;
  private readonly replies: Counter<'outcome'>;
  readonly latency: Histogram<'method' | 'route' | 'status'>;

  constructor(outbox: OutboxView) {
    const registers = [this.registry];
    this.checks = new Counter({ name: 'weibo_guard_checks_total', help: 'Gate verdicts given by the service, by verdict and by who asked', labelNames: ['verdict', 'source'], registers });
    this.findings = new Counter({ name: 'weibo_guard_check_findings_total', help: 'Findings in those verdicts, by rule and severity', labelNames: ['rule', 'severity'], registers });
    this.pushes = new Counter({ name: 'weibo_guard_pushes_total', help: 'Signed pushes received, by type (event/subtype for events; unknown for types this version does not know)', labelNames: ['type'], registers });
    this.duplicates = new Counter({ name: 'weibo_guard_push_duplicates_total', help: "Pushes dropped as Weibo's retries of one already recorded", registers });
    this.refused = new Counter({ name: 'weibo_guard_push_refused_total', help: 'Push and verification requests refused (bad or missing signature, too old, no app secret)', labelNames: ['route'], registers });
    this.sends = new Counter({ name: 'weibo_guard_sends_total', help: "The worker's send outcomes (sent, retry, failed, unknown, held, recovered, paused, stopped)", labelNames: ['outcome'], registers });
    this.replies = new Counter({ name: 'weibo_guard_handler_replies_total', help: "The push handler's replies: queued, passive, blocked, none, error", labelNames: ['outcome'], registers });
    this.latency = new Histogram({
      name: 'weibo_guard_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    new Gauge({
      name: 'weibo_guard_messages',
      help: 'Outbox messages by state',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await outbox.counts();
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'weibo_guard_outbox_depth',
      help: 'Messages queued and not yet sent',
      registers,
      async collect() {
        this.set((await outbox.counts()).queued);
      },
    });
    new Gauge({
      name: 'weibo_guard_oldest_queued_age_seconds',
      help: 'Age of the oldest queued message (0 when none is queued)',
      registers,
      async collect() {
        const at = await outbox.oldestQueuedAt();
        this.set(at === null ? 0 : Math.max(0, (outbox.now() - at) / 1000));
      },
    });
    for (const type of [...KNOWN_PUSH_LABELS, 'unknown']) this.pushes.inc({ type }, 0);
    this.duplicates.inc(0);
  }

  verdict(v: Verdict, source: CheckSource): void {
    this.checks.inc({ verdict: v.allowed ? 'allowed' : 'blocked', source });
    for (const f of v.findings) this.findings.inc({ rule: f.rule, severity: f.severity });
  }
  push(label: string | null): void {
    this.pushes.inc({ type: label ?? 'unknown' });
  }
  duplicate(): void {
    this.duplicates.inc();
  }
  refusedPush(route: 'verify' | 'push'): void {
    this.refused.inc({ route });
  }
  reply(outcome: 'queued' | 'passive' | 'blocked' | 'none' | 'error'): void {
    this.replies.inc({ outcome });
  }
  senderEvent(e: SenderEvent): void {
    if (e.type !== 'waiting') this.sends.inc({ outcome: e.type });
  }
  text(): Promise<string> {
    return this.registry.metrics();
  }
  get contentType(): string {
    return this.registry.contentType;
  }
}
