import { UsageError } from '../errors/errors.js';

// Until the remote-target flag exists, load only ever goes to this machine.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Parses the load target and refuses anything but http(s) on loopback, before any request is sent. */
export function checkLoadTarget(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`load target is not a URL: ${target}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`load target must be http or https, got ${url.protocol}`);
  }
  if (!LOOPBACK_HOSTS.has(url.hostname)) {
    throw new UsageError(`load target ${url.host} is not on this machine`,
      'vaultctl sends load to 127.0.0.1, localhost or ::1 only');
  }
  return url;
}
