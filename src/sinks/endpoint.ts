/**
 * Endpoint rules of sinks.md §2: https everywhere, plain http only for loopback hosts (tests,
 * air-gapped relays). A webhook URL is a secret (its path is the credential), so every URL
 * that may carry one is shown redacted.
 */
const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i;

export type EndpointCheck = {ok: true; url: URL} | {ok: false; reason: string};

export function checkEndpoint(text: string): EndpointCheck {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {ok: false, reason: 'is not a URL'};
  }
  if (url.protocol === 'https:') return {ok: true, url};
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return {ok: true, url};
  if (url.protocol === 'http:') return {ok: false, reason: 'must use https (plain http only for 127.0.0.0/8, localhost and ::1)'};
  return {ok: false, reason: `has the unsupported scheme ${url.protocol.replace(':', '')}`};
}

/** `https://hooks.slack.com/services/T…/***`: scheme, host and first path segment only. */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return '***';
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const shown = segments.length > 0 ? `/${segments[0]}` : '';
  const hint = segments.length > 1 ? `/${segments[1].slice(0, 1)}…` : '';
  return `${url.protocol}//${url.host}${shown}${hint}/***`;
}
