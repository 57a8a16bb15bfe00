/**
 * Every email, in every language, rendered as SES renders it (Handlebars, nothing escaped but
 * the `html` copies the mailer adds) from notices the real core builders make: nothing is
 * left unfilled, every link is a whole phrase to a configured URL, dates and offering names
 * read as the recipient's language writes them, and no English slips into other languages.
 * And the committed HTML is what its MJML compiles to today (`npm run emails:build`).
 */
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { templateData } from '../../functions/adapters/mailer.ts';
import { LANGUAGES, type Language } from '../../functions/core/identifiers.ts';
import type { MajorLifecycle } from '../../functions/core/lifecycle.ts';
import { type LifecycleNoticeEvent, lifecycleNotice } from '../../functions/core/lifecycle-notices.ts';
import { contactIdIssuedNotice, type Notice } from '../../functions/core/notices.ts';
import { type Contact, decideRegistration } from '../../functions/core/registration.ts';
import { reminderDigestLines } from '../../functions/core/reminders.ts';
import { upgradeNotice } from '../../functions/core/upgrades.ts';
import { readableDate } from '../../functions/core/wording.ts';
import { config } from '../../functions/shared/config.ts';
import { compileHtml } from '../../templates/email/build.ts';
import { EMAIL_TEMPLATES, type EmailTemplate, generatedHtml } from '../../templates/email/index.ts';
import { EMAIL_SOURCES, generatedFileName } from '../../templates/email/sources.ts';
import { contractExample, parsedRequest } from './fixtures.ts';

const links = config.links();
const AT = '2027-03-01T08:00:00.000Z';

/** A registration in `language`, with two products, for a German customer (its support contact). */
function registered(language: Language) {
  const body = contractExample();
  body.primaryContact.language = language;
  body.country = 'DE';
  body.products.push({
    ...body.products[0],
    serialNumber: 'M1234567891',
    supportIdentifier: '1234-5678-1235',
  });
  const decision = decideRegistration(
    parsedRequest(body),
    { certificate: null, serials: [], primaryContactOf: {} },
    {
      now: new Date('2026-01-02T10:00:00Z'),
      requestId: 'r',
      actor: { subject: 'alice', role: 'licensing-ops' as const },
      candidateContactId: '1234567897',
    },
  );
  if (decision.kind !== 'CREATE') throw new Error('expected a creation');
  return decision;
}

const lifecycle: MajorLifecycle = {
  product: 'Backup Exec',
  major: 12,
  eolDate: '2027-03-01',
  partialSupportDate: '2028-03-01',
  endOfSupportDate: '2029-03-01',
  phase: 'EOL',
  revision: 1,
  legacy: false,
  updatedAt: AT,
};

/** The notice data as the mailer gets it: lines gathered by the store become its list (functions/adapters/notices.ts). */
const withList = (notice: Notice, list: string, items: unknown[]) => ({
  ...notice,
  data: { ...notice.data, [list]: items, count: items.length },
});

/** Each template family's notice for a recipient writing `language`, from the real builders. */
function noticesIn(language: Language): Record<string, Notice> {
  const { certificate, contact } = registered(language);
  const designated: Contact = {
    ...contact,
    contactId: '1111111116',
    role: 'DESIGNATED',
    name: 'Pierre Curie',
    email: 'pierre@acme.example',
    serialNumbers: ['M1234567891'],
  };
  const recipient = { to: contact.email, name: contact.name, language };
  const [digest] = reminderDigestLines(
    certificate,
    { offset: 30, on: '2026-12-01' },
    [recipient],
    '2026-12-01',
    links.renewalUrl,
    new Date('2026-12-01T06:00:00Z'),
  );
  const events: Array<[string, LifecycleNoticeEvent]> = [
    ['LifecycleScheduled', 'SCHEDULED'],
    ['LifecycleEol', 'EOL'],
    ['LifecyclePartialSupport', 'PARTIAL_SUPPORT'],
    ['LifecycleEndOfSupport', 'END_OF_SUPPORT'],
  ];
  return {
    ContactIdIssued: contactIdIssuedNotice(contact, certificate, AT, undefined, links),
    DesignatedContactIdIssued: contactIdIssuedNotice(designated, certificate, AT, designated, links),
    RenewalReminder: withList(digest!.notice(1), 'certificates', [digest!.line]),
    ...Object.fromEntries(events.map(([t, e]) => [t, lifecycleNotice(lifecycle, e, recipient, AT, links)])),
    UpgradeAvailable: withList(
      upgradeNotice({ product: 'Backup Exec', version: '12.5', gaDate: '2027-02-15' }, recipient, links, AT),
      'serials',
      [
        { serialNumber: 'M1234567890', version: '12.0' },
        { serialNumber: 'M1234567891', version: '12.0' },
      ],
    ),
  };
}

/** What SES sends for a notice: Handlebars without escaping, over the mailer's template data. */
function render(t: EmailTemplate, notice: Notice) {
  const data = JSON.parse(JSON.stringify(templateData(notice.data)));
  // strict: a placeholder with no value in the data fails, rather than rendering empty.
  const part = (source: string) => Handlebars.compile(source, { noEscape: true, strict: true })(data);
  return { subject: part(t.subject), text: part(t.text), html: part(t.html) };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', nbsp: ' ' };
const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&(\w+);/g, (whole, name: string) => ENTITIES[name] ?? whole);

/** The words a person reads in an HTML part: no head, styles, comments (Outlook's included) or tags. */
const visibleText = (html: string) =>
  decode(
    html
      .replace(/<head[\s\S]*?<\/head>/i, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<[^>]+>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();

/** The links of an HTML part: where each goes, and its visible text. */
const anchors = (html: string) =>
  [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi)].map(([, href, inner]) => ({
    href: decode(href!),
    text: visibleText(inner!),
  }));

const nonEmptyStrings = (value: unknown): boolean =>
  typeof value === 'string'
    ? value.trim() !== ''
    : Array.isArray(value)
      ? value.every(nonEmptyStrings)
      : value !== null && typeof value === 'object'
        ? Object.values(value).every(nonEmptyStrings)
        : true;

const CONFIGURED_URLS = new Set([
  links.renewalUrl,
  links.licensingPortalUrl,
  links.downloadsUrl,
  links.supportContacts.DE?.portalUrl ?? links.supportContacts.default.portalUrl,
]);
const ISO_DATE = /\d{4}-\d{2}-\d{2}/;
const OFFERING_CODE = /\b(BASIC|ESSENTIAL|BCS_[A-Z]+)\b/;
const ENGLISH = /\b(serial|certificate|renew|hello)\b/i;

const FAMILIES = [...new Set(EMAIL_TEMPLATES.map((t) => t.template))];
const notices = Object.fromEntries(LANGUAGES.map((l) => [l, noticesIn(l)])) as Record<
  Language,
  Record<string, Notice>
>;

it('holds every template in all six languages', () => {
  expect(FAMILIES.sort()).toEqual(
    [
      'ContactIdIssued',
      'DesignatedContactIdIssued',
      'LifecycleEndOfSupport',
      'LifecycleEol',
      'LifecyclePartialSupport',
      'LifecycleScheduled',
      'RenewalReminder',
      'UpgradeAvailable',
    ].sort(),
  );
  for (const family of FAMILIES)
    expect(EMAIL_TEMPLATES.filter((t) => t.template === family).map((t) => t.language)).toEqual([
      ...LANGUAGES,
    ]);
});

describe.each(EMAIL_TEMPLATES.map((t) => [`${t.template}-${t.language}`, t] as const))('%s', (_, t) => {
  const language = t.language as Language;
  const notice = notices[language][t.template]!;
  const out = render(t, notice);
  const parts = { subject: out.subject, text: out.text, html: visibleText(out.html) };

  it('is built by the notice of its family, in its language, with every value filled', () => {
    expect(notice.template).toBe(t.template);
    expect(notice.language).toBe(language);
    expect(nonEmptyStrings(notice.data)).toBe(true);
    for (const part of [out.subject, out.text, out.html]) expect(part).not.toContain('{{');
    expect(out.text).not.toMatch(/\(\s*\)/);
  });

  it('links only to configured URLs, each with a whole phrase, and shows them plainly in the text part', () => {
    const found = anchors(out.html);
    expect(found.length).toBeGreaterThan(0);
    for (const a of found) {
      expect(a.text.split(/\s+/).length, a.text).toBeGreaterThanOrEqual(2);
      const unsubscribe = notice.data.unsubscribeUrl;
      expect(CONFIGURED_URLS.has(a.href) || a.href === unsubscribe, a.href).toBe(true);
      if (a.href === unsubscribe)
        expect(
          a.href.startsWith(links.licensingPortalUrl) || a.href.startsWith(new URL(links.renewalUrl).origin),
        ).toBe(true);
      // The same phrase, with the plain URL beside it, in the text part.
      expect(out.text).toContain(`${a.text}`);
      expect(out.text).toContain(a.href);
    }
  });

  it('writes dates and offering names as its reader does', () => {
    for (const [name, part] of Object.entries(parts)) {
      expect(part, name).not.toMatch(ISO_DATE);
      expect(part, name).not.toMatch(OFFERING_CODE);
    }
    const dated: Record<string, string> = {
      ContactIdIssued: '2026-12-31',
      DesignatedContactIdIssued: '2026-12-31',
      RenewalReminder: '2026-12-31',
      UpgradeAvailable: '2027-02-15',
    };
    const date = dated[t.template] ?? lifecycle.partialSupportDate;
    expect(parts.text).toContain(readableDate(date, language));
    expect(parts.html).toContain(readableDate(date, language));
  });

  it.skipIf(language === 'en')('has no English words and a subject of its own language', () => {
    // URLs are the configured ones, whatever their words (`…/renew`).
    for (const [name, part] of Object.entries(parts))
      expect(part.replace(/https:\/\/\S+/g, ''), name).not.toMatch(ENGLISH);
    const english = EMAIL_TEMPLATES.find((e) => e.template === t.template && e.language === 'en')!;
    expect(out.subject).not.toBe(render(english, notices.en[t.template]!).subject);
  });
});

describe('what the notices say', () => {
  it('gives the Contact ID the support phone and portal of the certificate’s country', () => {
    const out = render(
      EMAIL_TEMPLATES.find((t) => t.template === 'ContactIdIssued' && t.language === 'de')!,
      notices.de.ContactIdIssued!,
    );
    const germany = links.supportContacts.DE ?? links.supportContacts.default;
    expect(out.text).toContain(germany.phone);
    expect(out.text).toContain('Essenzieller Support');
    expect(out.text).toContain('1. Januar 2026 bis 31. Dezember 2026');
  });

  it('says a milestone whose date has come "has reached", and one to come "will reach"', () => {
    const out = render(
      EMAIL_TEMPLATES.find((t) => t.template === 'LifecycleScheduled' && t.language === 'en')!,
      notices.en.LifecycleScheduled!,
    );
    expect(out.text).toContain('Backup Exec 12 has reached end of life on 1 March 2027');
    expect(out.text).toContain('Backup Exec 12 will reach partial support on 1 March 2028');
    const fr = render(
      EMAIL_TEMPLATES.find((t) => t.template === 'LifecycleEol' && t.language === 'fr')!,
      notices.fr.LifecycleEol!,
    );
    expect(fr.text).toContain('a atteint la phase « Fin de vie » le 1er mars 2027');
    expect(fr.text).toContain('atteindra la phase « Support partiel » le 1er mars 2028');
  });

  it('lets a reminder recipient stop renewal reminders, with a whole phrase and the plain URL', () => {
    for (const language of LANGUAGES) {
      const t = EMAIL_TEMPLATES.find((e) => e.template === 'RenewalReminder' && e.language === language)!;
      const out = render(t, notices[language].RenewalReminder!);
      const url = String(notices[language].RenewalReminder!.data.unsubscribeUrl);
      expect(anchors(out.html).some((a) => a.href === url)).toBe(true);
      expect(out.text).toContain(url);
    }
  });
});

describe('the compiled HTML (templates/email/generated)', () => {
  it('is what the MJML compiles to today: run `npm run emails:build` after changing a template', async () => {
    const stale: string[] = [];
    for (const source of EMAIL_SOURCES)
      if ((await compileHtml(source)) !== generatedHtml(source)) stale.push(generatedFileName(source));
    expect(stale).toEqual([]);
  }, 60_000);

  it('stays far under SES’s template size limit', () => {
    for (const t of EMAIL_TEMPLATES)
      expect(Buffer.byteLength(t.subject + t.text + t.html), `${t.template}-${t.language}`).toBeLessThan(
        32 * 1024,
      );
  });
});
