/**
 * Typed errors of the service. The library throws them; only src/cli turns them into
 * exit codes and words.
 */

/** A setting the service cannot run with (no API token on a public address, an unreadable handler). */
export class ServeConfigError extends Error {
  override name = 'ServeConfigError';
  constructor(
    message: string,
    /** The option at fault (`host`, `handler`, `apiToken`…). */
    readonly option: string,
  ) {
    super(message);
  }
}

/** A push body that is not one Weibo sends: names the field. Answered 400, never retried into the ledger. */
export class PushFormatError extends Error {
  override name = 'PushFormatError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}
