/**
 * POST /unsubscribe?token=… — RFC 8058 one-click unsubscribe from renewal reminders (the
 * `List-Unsubscribe` header of each digest), and the confirm button of the page
 * GET /customer/unsubscribe. Public: a mail client posts without credentials.
 * Parse (the token in the query; the body `List-Unsubscribe=One-Click`, form-encoded or
 * multipart, nothing else) → verify the token (core/unsubscribe.ts) → store the opt-out on the
 * address and on each certificate where it is a contact, audited (adapters/opt-outs.ts) → 200
 * plain text. Twice is once. A bad, forged or expired token is a 400 and stores nothing.
 */
import middy from '@middy/core';
import { OptOutStore } from '../adapters/opt-outs.ts';
import type { Actor } from '../core/actors.ts';
import { dayOf } from '../core/calendar.ts';
import { InvalidInput, PayloadTooLarge, UnsupportedMediaType } from '../core/errors.ts';
import { tokenOfQuery, verifyUnsubscribeToken } from '../core/unsubscribe.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { logger, requestLogging } from '../shared/logger.ts';
import { authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, problemJson } from './http.ts';

/** `List-Unsubscribe=One-Click` is 25 bytes; a multipart wrapping of it a few hundred. */
const MAX_BODY_BYTES = 2048;
const FIELD = 'List-Unsubscribe';
const VALUE = 'One-Click';

const bodyRefused = (message: string) =>
  new InvalidInput(`the body must be List-Unsubscribe=One-Click (RFC 8058): ${message}`, [
    { path: '(body)', message },
  ]);

/** Exactly the one field RFC 8058 names, with its one value: anything else is refused. */
export function oneClickBody(event: HttpEvent): void {
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES)
    throw new PayloadTooLarge(`the body is larger than ${MAX_BODY_BYTES} bytes`);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (/^application\/x-www-form-urlencoded\s*(;\s*charset="?utf-8"?\s*)?$/.test(contentType)) {
    if (text !== `${FIELD}=${VALUE}`) throw bodyRefused('the form holds something else');
    return;
  }
  const multipart = /^multipart\/form-data\s*;\s*boundary=("?)([0-9a-z'()+_,./:=? -]{1,70})\1\s*$/i.exec(
    event.headers?.['content-type'] ?? '',
  );
  if (multipart) {
    const boundary = multipart[2]!;
    const part = new RegExp(
      `^--${escapeRegExp(boundary)}\\r\\ncontent-disposition: *form-data; *name="${FIELD}"\\r\\n(?:content-type: *text/plain(?:; *charset=utf-8)?\\r\\n)?\\r\\n${VALUE}\\r\\n--${escapeRegExp(boundary)}--(?:\\r\\n)?$`,
      'i',
    );
    if (!part.test(text)) throw bodyRefused('the form holds something else');
    return;
  }
  throw new UnsupportedMediaType(
    'send List-Unsubscribe=One-Click as application/x-www-form-urlencoded or multipart/form-data',
  );
}

/** Who opts out here: the customer holding the signed link; the audit trail never names the address as actor. */
export const UNSUBSCRIBE_LINK_ACTOR: Actor = { subject: 'unsubscribe-link', role: 'customer' };

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function makePostUnsubscribe(store: OptOutStore, secret: string) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const token = tokenOfQuery(event.queryStringParameters);
    oneClickBody(event);
    const at = now();
    const { address } = verifyUnsubscribeToken(token, secret, dayOf(at));
    const result = await store.optOut(
      address,
      at.toISOString(),
      event.requestContext?.requestId ?? 'local',
      UNSUBSCRIBE_LINK_ACTOR,
    );
    logger.info('renewal reminders opted out', {
      certificates: result.certificates,
      holders: result.holders.length,
    });
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      body: `Renewal reminders to ${address} are stopped (since ${result.optedOutAt}). Other emails about your support (Contact IDs, upgrades, end of life) still reach you.\n`,
    };
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makePostUnsubscribe(
      new OptOutStore(documentClient, config.table().tableName),
      config.unsubscribe().secret,
    ),
  );
