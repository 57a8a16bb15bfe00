import { describe, expect, it } from 'vitest';
import {
  AddContactRequest,
  type ContactsContext,
  decideAddContact,
  decideReplaceContact,
  ReplaceContactRequest,
} from '../../functions/core/contacts.ts';
import {
  contactIdIssuedNotice,
  REDELIVERY_RESTART_HOURS,
  redeliveryName,
  redeliveryStep,
} from '../../functions/core/notices.ts';
import { type Contact, decideRegistration } from '../../functions/core/registration.ts';
import { DEFAULT_LINKS } from '../../functions/core/wording.ts';
import { contractExample, parsedRequest } from './fixtures.ts';

describe('the Contact ID email', () => {
  const at = '2026-11-25T10:00:00.000Z';
  const body = contractExample();
  body.products.push({ ...body.products[0], serialNumber: 'M1234567891', product: 'Endpoint Protection' });
  const decision = decideRegistration(
    parsedRequest(body),
    { certificate: null, serials: [], primaryContactOf: {} },
    {
      now: new Date(at),
      requestId: 'r',
      actor: { subject: 'alice', role: 'licensing-ops' as const },
      candidateContactId: '1234567897',
    },
  );
  if (decision.kind !== 'CREATE') throw new Error('expected a creation');
  const { certificate, contact: primary } = decision;
  const designated: Contact = {
    ...primary,
    contactId: '1111111116',
    role: 'DESIGNATED',
    name: 'Pierre Curie',
    email: 'pierre@acme.example',
    serialNumbers: ['M1234567891'],
  };
  const serialsOf = (data: Record<string, unknown>) =>
    (data.products as Array<{ serialNumber: string }>).map((p) => p.serialNumber);

  it('tells the primary contact about every product on the certificate (the signature renewals use)', () => {
    const notice = contactIdIssuedNotice(primary, certificate, at);
    expect(notice).toMatchObject({
      id: 'contact-id-1234567897',
      template: 'ContactIdIssued',
      to: primary.email,
    });
    expect(serialsOf(notice.data)).toEqual(['M1234567890', 'M1234567891']);
    expect(contactIdIssuedNotice(primary, certificate, at, primary)).toEqual(notice);
  });

  it('tells a designated contact it is designated, listing only its products', () => {
    const notice = contactIdIssuedNotice(designated, certificate, at, designated);
    expect(notice).toMatchObject({
      id: 'contact-id-1111111116',
      template: 'DesignatedContactIdIssued',
      to: 'pierre@acme.example',
      data: { contactId: '1111111116', contactName: 'Pierre Curie' },
    });
    expect(serialsOf(notice.data)).toEqual(['M1234567891']);
  });
});

describe('the words and dates of the Contact ID email', () => {
  const at = '2026-11-25T10:00:00.000Z';
  const decide = (country?: string) => {
    const body = contractExample();
    body.primaryContact.language = 'de';
    if (country) body.country = country;
    const decision = decideRegistration(
      parsedRequest(body),
      { certificate: null, serials: [], primaryContactOf: {} },
      {
        now: new Date(at),
        requestId: 'r',
        actor: { subject: 'alice', role: 'licensing-ops' as const },
        candidateContactId: '1234567897',
      },
    );
    if (decision.kind !== 'CREATE') throw new Error('expected a creation');
    return decision;
  };

  it('carries the offering name and the term as the reader writes them, beside the codes and ISO dates', () => {
    const { contact, certificate } = decide();
    expect(contactIdIssuedNotice(contact, certificate, at).data).toMatchObject({
      tier: 'ESSENTIAL',
      termStart: '2026-01-01',
      offering: 'Essenzieller Support',
      termStartOn: '1. Januar 2026',
      termEndOn: '31. Dezember 2026',
    });
  });

  it('gives the support phone and portal of the certificate’s country, or the default one', () => {
    const links = {
      ...DEFAULT_LINKS,
      supportContacts: {
        default: { phone: '+1 800 555 0199', portalUrl: 'https://support.acme.example' },
        IT: { phone: '+39 02 1234 5678', portalUrl: 'https://support.acme.example/it' },
      },
    };
    const italian = decide('IT');
    expect(
      contactIdIssuedNotice(italian.contact, italian.certificate, at, undefined, links).data,
    ).toMatchObject({
      supportPhone: '+39 02 1234 5678',
      supportPortalUrl: 'https://support.acme.example/it',
    });
    const other = decide('BE');
    expect(contactIdIssuedNotice(other.contact, other.certificate, at, undefined, links).data).toMatchObject({
      supportPhone: '+1 800 555 0199',
      supportPortalUrl: 'https://support.acme.example',
    });
  });

  it('writes to a contact added or replaced without a language in the primary contact’s language', () => {
    const { certificate, newSerials } = decide();
    const context: ContactsContext = {
      certificate,
      roster: { certificateNumber: certificate.certificateNumber, entries: certificate.roster, version: 1 },
      serials: newSerials,
    };
    const person = {
      name: 'Pierre',
      email: 'pierre@acme.example',
      phone: '+49 30 1234',
      address: 'A',
      company: 'C',
    };
    const product = certificate.products[0]!;
    const added = decideAddContact(
      AddContactRequest.parse({
        salesOrderNumber: certificate.salesOrderNumber,
        products: [{ serialNumber: product.serialNumber, supportIdentifier: product.supportIdentifier }],
        contact: person,
      }),
      context,
      { now: new Date(at), candidateContactId: '1111111116' },
    );
    if (added.kind !== 'ADDED') throw new Error('expected ADDED');
    expect(added.contact.language).toBe('de');
    expect(
      decideAddContact(
        AddContactRequest.parse({
          salesOrderNumber: certificate.salesOrderNumber,
          products: [{ serialNumber: product.serialNumber, supportIdentifier: product.supportIdentifier }],
          contact: { ...person, language: 'es' },
        }),
        context,
        { now: new Date(at), candidateContactId: '1111111116' },
      ),
    ).toMatchObject({ contact: { language: 'es' } });
    const primary = decide().contact;
    const replaced = decideReplaceContact(
      ReplaceContactRequest.parse({
        products: [{ serialNumber: product.serialNumber }],
        contact: { ...person, email: 'anna@acme.example' },
      }),
      context,
      primary,
      { now: new Date(at), candidateContactId: '2222222224' },
    );
    expect(replaced).toMatchObject({ kind: 'REPLACED', contact: { language: 'de' } });
  });

  it('refuses a language it holds no emails in, naming the six', () => {
    const refused = AddContactRequest.safeParse({
      salesOrderNumber: '12345678',
      products: [{ serialNumber: 'M1234567890', supportIdentifier: '1234-5678-1234' }],
      contact: {
        name: 'P',
        email: 'p@x.example',
        phone: '+1 555 0100',
        address: 'A',
        company: 'C',
        language: 'pt',
      },
    });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues[0]!.message).toBe('language is one of en, fr, de, it, es, ru');
  });
});

describe('the notice re-driver', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

  it('starts a notice whose start by its own name went through', () => {
    expect(redeliveryStep(true, 'PENDING', hoursAgo(1), now)).toBe('START');
  });

  it('leaves a delivery that is still running (refused start, notice PENDING, recent)', () => {
    expect(redeliveryStep(false, 'PENDING', hoursAgo(1), now)).toBe('LEAVE_RUNNING');
  });

  it('clears the index of a notice that went or was given up (refused start, not PENDING)', () => {
    expect(redeliveryStep(false, 'SENT', hoursAgo(1), now)).toBe('CLEAR');
    expect(redeliveryStep(false, 'UNDELIVERABLE', hoursAgo(30), now)).toBe('CLEAR');
    expect(redeliveryStep(false, null, hoursAgo(30), now)).toBe('CLEAR');
  });

  it('restarts a notice still PENDING long after its own delivery must have ended', () => {
    expect(redeliveryStep(false, 'PENDING', hoursAgo(REDELIVERY_RESTART_HOURS), now)).toBe('RESTART');
  });

  it('names a day’s re-delivery within Step Functions’ limits, once per notice and day', () => {
    const long = `lifecycle-${'x'.repeat(200)}`;
    const name = redeliveryName(long, '2026-12-01');
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(name).toBe(redeliveryName(long, '2026-12-01'));
    expect(name).not.toBe(redeliveryName(long, '2026-12-02'));
    expect(name).not.toBe(redeliveryName(`${long}y`, '2026-12-01'));
  });
});
