import { readFileSync } from 'node:fs';

export type TokenHook = (account: string) => string | Promise<string>;

export interface TokenOptions {
  /** A literal token (prefer the env var or file: literals end up in shell history). */
  token?: string;
  /** A file holding the token (surrounding whitespace is ignored). */
  tokenFile?: string;
  /** Env var holding the token; default WEIBO_GUARD_TOKEN. */
  tokenEnv?: string;
  /** Hook for per-account tokens or a secret manager; wins over the others. */
  getToken?: TokenHook;
}

export const DEFAULT_TOKEN_ENV = 'WEIBO_GUARD_TOKEN';

/** Resolves the token source once; the hook is asked at each request so rotation works. */
export function tokenSource(o: TokenOptions, env: NodeJS.ProcessEnv = process.env): TokenHook {
  if (o.getToken) return o.getToken;
  if (o.token !== undefined) return constant(o.token, 'the token option');
  if (o.tokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(o.tokenFile, 'utf8');
    } catch (err) {
      throw new Error(`cannot read token file ${o.tokenFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    return constant(text.trim(), `token file ${o.tokenFile}`);
  }
  const name = o.tokenEnv ?? DEFAULT_TOKEN_ENV;
  const value = env[name];
  return constant(value?.trim() ?? '', `env var ${name}`);
}

function constant(token: string, where: string): TokenHook {
  return () => {
    if (token === '') throw new Error(`no access token: ${where} is empty or unset`);
    return token;
  };
}

/**
 * Tokens seen so far, so every string leaving the sender (errors, reasons, logs)
 * can be scrubbed even if a server or a library echoes the request back.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  add(secret: string): void {
    if (secret.length >= 4) this.secrets.add(secret);
  }
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) {
      out = out.split(s).join('[redacted]');
      const encoded = encodeURIComponent(s);
      if (encoded !== s) out = out.split(encoded).join('[redacted]');
    }
    return out;
  }
}
