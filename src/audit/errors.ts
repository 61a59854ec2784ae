/**
 * What the audit was asked to read cannot be read as asked: a path outside the root or
 * missing, a folder it cannot list, a baseline that is not one. The message names the
 * file and, for a baseline, the field; a front door shows it alone, without a stack.
 */
export class AuditInputError extends Error {
  override name = 'AuditInputError';
}
