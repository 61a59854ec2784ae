import { isLoopback } from '../sender/endpoint.js';
import { ServeConfigError } from './errors.js';

/** Anyone who can reach a non-loopback address could queue messages: it needs an API token. */
export function checkExposure(host: string, apiToken: string | undefined): void {
  if (!isLoopback(host) && !apiToken) {
    throw new ServeConfigError(`refusing to serve on ${host} without an API token: anyone who can reach it could queue messages; give --api-token-file or $WEIBO_GUARD_API_TOKEN, or serve on 127.0.0.1`, 'apiToken');
  }
}
