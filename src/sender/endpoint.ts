import { isIP } from 'node:net';

export const DEFAULT_ENDPOINT = 'https://c.api.weibo.com/2/messages/reply/biz.json';

/**
 * The token travels in the request body, so the endpoint must be https. Plain http
 * is allowed only on loopback (the mock server, a local proxy), where nothing
 * crosses the network.
 */
export function checkEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`endpoint ${JSON.stringify(endpoint)} is not a URL`);
  }
  if (url.username || url.password) throw new Error(`endpoint ${url.host} must not carry credentials`);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url;
  throw new Error(`endpoint ${url.origin} refused: only https, or http on loopback (127.0.0.0/8, ::1, localhost), may carry the token`);
}

export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}
