/**
 * Public lifecycle reads (the JSON, the picture, the calendar) change the moment a product
 * manager reschedules: caches keep them but ask again every time (`max-age=0,
 * must-revalidate`), and a strong ETag of the body makes asking cheap — a 304 without a body
 * when nothing changed.
 */
import { createHash } from 'node:crypto';
import type { HttpEvent, HttpResult } from './http.ts';

export const REVALIDATE = 'public, max-age=0, must-revalidate';

/** A strong validator: the same bytes, the same tag. */
export const strongEtag = (body: string) =>
  `"${createHash('sha256').update(body, 'utf8').digest('base64url').slice(0, 32)}"`;

/**
 * Whether `If-None-Match` names `etag` (RFC 9110 §13.1.2: a list of tags or `*`, compared
 * weakly, so `W/"x"` matches `"x"`).
 */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/** 200 with the body and its ETag, or 304 when the caller holds that very body already. */
export function revalidated(event: HttpEvent, contentType: string, body: string): HttpResult {
  const etag = strongEtag(body);
  const headers = { etag, 'cache-control': REVALIDATE };
  if (noneMatch(event.headers?.['if-none-match'], etag)) return { statusCode: 304, headers, body: '' };
  return { statusCode: 200, headers: { 'content-type': contentType, ...headers }, body };
}
