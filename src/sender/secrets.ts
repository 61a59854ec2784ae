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

/** Shortest start of a token that is scrubbed where an echo of it was cut short. */
const MIN_TAIL = 6;

/**
 * Tokens seen so far, so every string leaving the sender (errors, reasons, logs)
 * can be scrubbed even if a server or a library echoes the request back.
 *
 * A token is matched in every spelling it can come back in, character by character,
 * so mixed spellings match too: raw; percent-encoded once or twice, hex in either
 * case (encodeURIComponent, form encoding with `!'()~` escaped, RFC 3986 strict);
 * form-encoded (space as `+`; a `+` read back as a space); JSON-escaped (`\uXXXX`,
 * `\/`, `\"`, `\\`). A start of a token of at least MIN_TAIL characters that ends
 * the text is scrubbed too: a server that cuts its echo short must not print the
 * first characters. The pattern is compiled when a token is added, never per call;
 * it has no quantifier, so matching is linear in the text times the token length.
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | null = null;
  add(secret: string): void {
    if (secret.length < 4 || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    const whole: string[] = [];
    const tails: string[] = [];
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      const chars = [...s].map(spellings);
      whole.push(chars.join(''));
      if (chars.length > MIN_TAIL) {
        // c1…c6(?:c7(?:c8…)?)?$ : any start of the token, at least MIN_TAIL long, at the end.
        let rest = '';
        for (let i = chars.length - 2; i >= MIN_TAIL; i--) rest = `(?:${chars[i]}${rest})?`;
        tails.push(`${chars.slice(0, MIN_TAIL).join('')}${rest}${PARTIAL_ESCAPE}$`);
      }
    }
    this.pattern = new RegExp([...whole, ...tails].join('|'), 'g');
  }
  redact(text: string): string {
    return this.pattern === null ? text : text.replace(this.pattern, '[redacted]');
  }
}

/** An escape cut in the middle (`%2`, `%25`, `\\u00`): the cut may fall inside one. */
const PARTIAL_ESCAPE = '(?:%(?:25)?[0-9a-fA-F]?|%25[0-9a-fA-F]|\\\\(?:u[0-9a-fA-F]{0,3})?)?';

const hexDigit = (n: number): string => {
  const h = n.toString(16);
  return /[a-f]/.test(h) ? `[${h}${h.toUpperCase()}]` : h;
};
const hexByte = (b: number): string => hexDigit(b >> 4) + hexDigit(b & 15);
const escapeRe = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** Every way one character of a token can be written back to us, as a regex group. */
function spellings(c: string): string {
  const alts = [escapeRe(c)];
  const bytes = [...Buffer.from(c, 'utf8')];
  alts.push(bytes.map((b) => `%${hexByte(b)}`).join(''));
  alts.push(bytes.map((b) => `%25${hexByte(b)}`).join(''));
  if (c === ' ') alts.push('\\+');
  if (c === '+') alts.push(' ');
  const units: string[] = [];
  for (let i = 0; i < c.length; i++) units.push(`\\\\u${hexByte(c.charCodeAt(i) >> 8)}${hexByte(c.charCodeAt(i) & 255)}`);
  alts.push(units.join(''));
  if (c === '/' || c === '"' || c === '\\') alts.push(`\\\\${escapeRe(c)}`);
  return `(?:${alts.join('|')})`;
}
