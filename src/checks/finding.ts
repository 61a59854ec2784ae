import { finding, type Finding, type Localized } from '../findings.js';

/**
 * A findings list that keeps the first `max` and only counts the rest, for checks on
 * input of any size (a template string the audit reads can be megabytes of links).
 * Checks push into it as into an array.
 */
class FindingSink extends Array<Finding> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  max = Infinity;
  dropped = 0;
  droppedErrors = 0;
  override push(...items: Finding[]): number {
    for (const f of items) {
      if (this.length < this.max) super.push(f);
      else {
        this.dropped++;
        if (f.severity === 'error') this.droppedErrors++;
      }
    }
    return this.length;
  }
}

export function findingSink(max: number): FindingSink {
  const sink = new FindingSink();
  sink.max = max;
  return sink;
}

/**
 * The first `max` findings, then one `limits/too-many-findings` with the total. It is an
 * error when a dropped finding is one, so `allowed` is what the whole list would give.
 * Returns a plain array; `findings` itself is returned when nothing is over.
 */
export function capFindings(findings: Finding[], max: number, path = ''): Finding[] {
  let dropped = 0;
  let errors = 0;
  if (findings instanceof FindingSink) {
    dropped = findings.dropped;
    errors = findings.droppedErrors;
  }
  if (dropped === 0 && findings.length <= max) return findings instanceof FindingSink ? findings.slice() : findings;
  const kept = findings.slice(0, max);
  for (let i = max; i < findings.length; i++) {
    dropped++;
    if (findings[i]!.severity === 'error') errors++;
  }
  const total = kept.length + dropped;
  kept.push(
    finding(
      'limits/too-many-findings',
      errors > 0 ? 'error' : 'warning',
      {
        en: `${total} findings; the first ${kept.length} are listed and ${dropped} more are not (${errors} of them errors)`,
        zh: `共 ${total} 条问题；只列出前 ${kept.length} 条，其余 ${dropped} 条未列出（其中 ${errors} 条为错误）`,
      },
      path,
      { evidence: { detail: `limits.findings.max: ${max}` } },
    ),
  );
  return kept;
}

/** Adds `note` to the messages of findings[from…] (a hidden duplicate's findings say where they come from). */
export function noteFindings(findings: Finding[], from: number, note: Localized): void {
  for (let i = from; i < findings.length; i++) {
    const f = findings[i]!;
    findings[i] = { ...f, message: { en: f.message.en + note.en, zh: f.message.zh + note.zh } };
  }
}
