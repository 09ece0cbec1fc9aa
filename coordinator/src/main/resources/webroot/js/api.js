// The coordinator's HTTP API, as curl sees it: JSON in, JSON out, errors as {"error", "status"}.
// When the coordinator has a CONTROL_TOKEN, every call carries "Authorization: Bearer <token>"; on a
// 401 the page asks for the token once (inline form, see token.js) and retries. EventSource cannot send
// headers, so the stream and history URLs carry the token as ?access_token= instead.

import { currentToken, requestToken } from './token.js';

/** A refused or failed call; message is the server's own "error" text when it sent one. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The path with ?access_token=<token> appended when a token is known (for GET routes). */
export function withAccessToken(path) {
  const token = currentToken();
  if (!token) return path;
  return `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`;
}

/**
 * Calls the API and resolves with the parsed JSON body. body is sent as is when it is a string (so the
 * server sees exactly what the operator typed), else as JSON. A command always goes out as JSON, {} when
 * it has no body: the server refuses commands of any other Content-Type (other sites' form posts).
 */
export async function call(method, path, body) {
  if (body === undefined && method !== 'GET') body = {};
  for (let attempt = 0; ; attempt++) {
    const token = currentToken();
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        cache: 'no-store',
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, `coordinator unreachable (${e.message})`);
    }
    const json = await response.json().catch(() => null);
    if (response.status === 401 && attempt < 5) {
      await requestToken(json?.error ?? 'the coordinator wants a control token', token);
      continue;
    }
    if (!response.ok) {
      throw new ApiError(response.status, json?.error ?? `HTTP ${response.status} ${response.statusText}`);
    }
    return json;
  }
}
