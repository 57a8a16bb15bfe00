/**
 * GET /customer/unsubscribe?token=… — the page a reminder digest's unsubscribe link opens:
 * which address it stops, and a button that posts the confirmation to POST /unsubscribe
 * (a plain HTML form, no script). A GET never opts out: mail scanners follow links.
 * Public, like the one-click route. A bad, forged or expired link is a 400 page.
 */
import middy from '@middy/core';
import { OptOutStore } from '../adapters/opt-outs.ts';
import { dayOf } from '../core/calendar.ts';
import { DomainError } from '../core/errors.ts';
import { tokenOfQuery, UNSUBSCRIBE_ONE_CLICK_PATH, verifyUnsubscribeToken } from '../core/unsubscribe.ts';
import { now } from '../shared/clock.ts';
import { config } from '../shared/config.ts';
import { documentClient } from '../shared/dynamodb.ts';
import { requestLogging } from '../shared/logger.ts';
import { authorize } from './auth.ts';
import { type HttpEvent, type HttpResult, problemJson } from './http.ts';

/** The page's text in HTML (the mailer's escaping lives with the SES client: not bundled here). */
const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const page = (status: number, title: string, body: string): HttpResult => ({
  statusCode: status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The token is in the URL: never sent on as a referrer, never indexed, no script run.
    'referrer-policy': 'no-referrer',
    'x-robots-tag': 'noindex',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  },
  body: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:4px;background:#0b57d0;color:#fff;cursor:pointer}</style>
</head><body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`,
});

export function makeGetUnsubscribePage(store: OptOutStore, secret: string) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    let token: string | undefined;
    let address: string;
    try {
      token = tokenOfQuery(event.queryStringParameters);
      address = verifyUnsubscribeToken(token, secret, dayOf(now())).address;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return page(
        error.status,
        'This unsubscribe link is not valid',
        `<p>${escapeHtml(error.message)}.</p><p>Nothing was changed. Use the link in your latest renewal reminder.</p>`,
      );
    }
    const who = `<strong>${escapeHtml(address)}</strong>`;
    const since = await store.optedOutAt(address);
    if (since)
      return page(
        200,
        'Renewal reminders are stopped',
        `<p>Renewal reminders to ${who} have been stopped since ${escapeHtml(since.slice(0, 10))}.</p>`,
      );
    // Relative to this page (…/customer/unsubscribe), so it works behind any base path.
    const action = `..${UNSUBSCRIBE_ONE_CLICK_PATH}?token=${encodeURIComponent(token!)}`;
    return page(
      200,
      'Stop renewal reminders?',
      `<p>Renewal reminders to ${who} will stop, for every support contract this address is a contact for. Other contacts on those contracts keep receiving theirs.</p>
<p>Emails about your support itself (Contact IDs, upgrades, end of life) still reach you.</p>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Stop renewal reminders</button>
</form>`,
    );
  };
}

export const handler = middy<HttpEvent, HttpResult>()
  .use(requestLogging())
  .use(problemJson())
  .use(authorize())
  .handler(
    makeGetUnsubscribePage(
      new OptOutStore(documentClient, config.table().tableName),
      config.unsubscribe().secret,
    ),
  );
