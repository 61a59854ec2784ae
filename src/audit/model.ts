import { z } from 'zod';
import { EvidenceSchema, LocalizedSchema, SeveritySchema } from '../findings.js';
import { POLICY_WARNING_KINDS, type PolicyWarning } from '../policy/index.js';

/**
 * One finding as the audit's JSON report states it: a stable contract that CI
 * scripts read. Lines and columns are 1-based; columns count UTF-16 code units;
 * `endColumn` is the column just after the last offending character.
 */
export const AuditFindingSchema = z
  .object({
    /** Relative to the audited root, `/`-separated. */
    file: z.string(),
    line: z.number().int().positive(),
    column: z.number().int().positive(),
    endLine: z.number().int().positive(),
    endColumn: z.number().int().positive(),
    rule: z.string(),
    severity: SeveritySchema,
    message: z.string(),
    /** The offending source text as written (escapes and all). */
    text: z.string(),
  })
  .strict();
export type AuditFinding = z.infer<typeof AuditFindingSchema>;

/** How the JSON report lists a suppressed finding: the finding's contract fields, then why. */
export const AuditSuppressionSchema = AuditFindingSchema.extend({ by: z.enum(['comment', 'config', 'baseline']), reason: z.string() }).strict();

/** A warning about the policy the run used (an entry expired or expiring, one that never applies): said once per run. */
export const AuditPolicyWarningSchema = z
  .object({
    kind: z.enum(POLICY_WARNING_KINDS),
    /** The policy file as the loader displays it: the config relative to the root, shipped files relative to the package. */
    file: z.string(),
    line: z.number().int().nonnegative(),
    domain: z.string(),
    /** YYYY-MM-DD, for `expired` and `expiring`. */
    expires: z.string().optional(),
    message: z.string(),
  })
  .strict();
export type AuditPolicyWarning = z.infer<typeof AuditPolicyWarningSchema>;

export const AuditReportSchema = z
  .object({
    files: z.number().int().nonnegative(),
    findings: z.array(AuditFindingSchema),
    /** Findings not reported, with the reason: present when there are any. */
    suppressions: z.array(AuditSuppressionSchema).optional(),
    /** Baseline entries that matched no finding: present when there are any. */
    staleBaseline: z.number().int().positive().optional(),
    /** The policy's warnings, once for the run: present when there are any. */
    warnings: z.array(AuditPolicyWarningSchema).optional(),
  })
  .strict();
export type AuditReport = z.infer<typeof AuditReportSchema>;

/** A source line shown around a finding; `mark` is the offending part, as [start, end) into `text`. */
export const ContextLineSchema = z.object({ line: z.number().int().positive(), text: z.string(), mark: z.tuple([z.number(), z.number()]).optional() });
export type ContextLine = z.infer<typeof ContextLineSchema>;

/** What the human-facing formats need besides the contract: both languages, evidence, context, a fingerprint. */
export const ReportFindingSchema = AuditFindingSchema.extend({
  messages: LocalizedSchema,
  evidence: EvidenceSchema.optional(),
  /** Stable across line moves: rule, file, text and the occurrence among equals. */
  fingerprint: z.string(),
  context: z.array(ContextLineSchema),
});
export type ReportFinding = z.infer<typeof ReportFindingSchema>;

/** A finding that was not reported, and why: a source directive, a config `ignore` entry, or the baseline. */
export type SuppressedFinding = ReportFinding & { reason: string; by: 'comment' | 'config' | 'baseline' };

export interface AuditResult {
  /** Absolute path of the audited root. */
  root: string;
  files: number;
  findings: ReportFinding[];
  /** Findings silenced by a source suppression or a config `ignore` entry. */
  suppressed: number;
  /** Findings present in the baseline, left out of `findings`. */
  baselined: number;
  /** Each silenced finding with who silenced it and why, for the reviewer's record. */
  suppressions?: SuppressedFinding[];
  /** Baseline entries that matched no finding this run (fixed since, or moved): prune them. */
  staleBaseline?: number;
  /** The engine's policy warnings (expired and expiring entries, entries that never apply), once for the run. */
  warnings?: readonly PolicyWarning[];
}

/** `--write-baseline` output: what was already there when the team adopted the audit. */
export const BaselineSchema = z
  .object({
    version: z.literal(1),
    tool: z.literal('weibo-guard audit'),
    findings: z.array(
      z
        .object({
          file: z.string(),
          rule: z.string(),
          fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
          /** For a person reading the baseline; matching uses the fingerprint. */
          text: z.string().optional(),
        })
        .strict(),
    ),
  })
  .strict();
export type Baseline = z.infer<typeof BaselineSchema>;
