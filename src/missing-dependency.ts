/**
 * An optional peer package a feature needs is not installed, or does not load:
 * better-sqlite3 or pg for the sender's outbox, a language plugin for an ESLint config.
 * The gate alone needs none of them.
 */
export class MissingDependencyError extends Error {
  override name: string = 'MissingDependencyError';
  constructor(
    readonly packageName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
