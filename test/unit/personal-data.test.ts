import { describe, expect, it } from 'vitest';
import type { Actor } from '../../functions/core/actors.ts';
import type { Notice } from '../../functions/core/notices.ts';
import {
  type AuditOnRecord,
  type ContactOnRecord,
  decideErasure,
  type ErasureContext,
  erasedAddress,
  maskPersonalData,
  personalDataFor,
  pseudonymOf,
} from '../../functions/core/personal-data.ts';
import { maskPhone } from '../../functions/core/registration.ts';

describe('maskPhone', () => {
  it.each([
    ['+33 6 12 34 56 89', '+** * ** ** ** 89'],
    ['+44 (0)20 7946-0958', '+** (*)** ****-**58'],
    ['0612345689', '********89'],
    ['1234', '****'],
  ])('%s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});

describe('personalDataFor', () => {
  it.each([
    ['licensing-ops', 'whole'],
    ['integration', 'whole'],
    ['support-engineer', 'masked'],
    ['product-manager', 'masked'],
    ['customer', 'masked'],
    ['service', 'masked'],
  ] as const)('%s reads personal data %s', (role, seen) => {
    expect(personalDataFor(role)).toBe(seen);
  });
});

describe('maskPersonalData', () => {
  it('masks addresses anywhere, phones by their key or by the field a change names, and nothing else', () => {
    expect(
      maskPersonalData({
        action: 'CERTIFICATE_CORRECTED',
        at: '2026-04-01T09:00:00.000Z',
        email: 'Marie@Acme.example',
        detail: 'SES refused pierre@acme.example: mailbox unknown',
        phone: '+33 6 12 34 56 89',
        changes: [
          { field: 'primaryContact.phone', before: '+33 6 00 00 00 00', after: null },
          { field: 'company.phone', before: '+33 1 23 45 67 89', after: '+33 1 98 76 54 32' },
          { field: 'term.end', before: '2026-12-31', after: '2027-01-31' },
          { field: 'products', before: null, after: { serialNumber: 'M1234567890', version: '12.0' } },
        ],
      }),
    ).toEqual({
      action: 'CERTIFICATE_CORRECTED',
      at: '2026-04-01T09:00:00.000Z',
      email: 'M***e@A***e.example',
      detail: 'SES refused p***e@a***e.example: mailbox unknown',
      phone: '+** * ** ** ** 89',
      changes: [
        { field: 'primaryContact.phone', before: '+** * ** ** ** 00', after: null },
        { field: 'company.phone', before: '+** * ** ** ** 89', after: '+** * ** ** ** 32' },
        { field: 'term.end', before: '2026-12-31', after: '2027-01-31' },
        { field: 'products', before: null, after: { serialNumber: 'M1234567890', version: '12.0' } },
      ],
    });
  });
});

const ALICE: Actor = { subject: 'alice', role: 'licensing-ops' };
const COMMAND = { actor: ALICE, requestId: 'req-erase', at: '2026-06-01T10:00:00.000Z' };
const HOLDER = '12345678-1234567';
const RENEWAL = '22222222-2222222';
const ID = '1234567897';
const SUCCESSOR = '9876543217';

const notice = (overrides: Partial<Notice> = {}): Notice => ({
  id: `contact-id-${ID}`,
  kind: 'CONTACT_ID_ISSUED',
  template: 'ContactIdIssued',
  to: 'Marie@Acme.example',
  language: 'fr',
  data: { contactName: 'Marie Curie', contactId: ID, certificateNumber: HOLDER },
  status: 'SENT',
  createdAt: '2026-03-01T10:00:00.000Z',
  sentAt: '2026-03-01T10:00:05.000Z',
  ...overrides,
});

const contact = (overrides: Partial<ContactOnRecord> = {}): ContactOnRecord => ({
  contactId: ID,
  certificateNumber: HOLDER,
  role: 'PRIMARY',
  status: 'REPLACED',
  name: 'Marie Curie',
  email: 'Marie@Acme.example',
  phone: '+33 6 11 11 11 11',
  address: '1 rue X, Paris',
  language: 'fr',
  serialNumbers: ['M1234567890'],
  issuedAt: '2026-03-01T10:00:00.000Z',
  replacedBy: SUCCESSOR,
  replacedAt: '2026-05-01T10:00:00.000Z',
  notice: notice(),
  ...overrides,
});

const audit = (entry: Record<string, unknown>, certificateNumber = HOLDER): AuditOnRecord => ({
  certificateNumber,
  entry,
});

function context(overrides: Partial<ErasureContext> = {}): ErasureContext {
  return {
    contact: contact(),
    indexed: true,
    holder: { certificateNumber: HOLDER, roster: {} },
    certificates: [{ certificateNumber: HOLDER }],
    notices: [],
    audits: [],
    ...overrides,
  };
}

describe('decideErasure', () => {
  it('erases a replaced contact: pseudonym, the fields it held, its Contact ID email addressed to nobody', () => {
    const decision = decideErasure(context(), COMMAND);
    const pseudonym = pseudonymOf(ID);
    expect(pseudonym).toMatch(/^erased-[0-9a-f]{8}$/);
    expect(pseudonymOf(ID)).toBe(pseudonym);
    if (decision.kind !== 'ERASE') throw new Error(decision.kind);
    expect(decision.contact.set).toMatchObject({
      name: pseudonym,
      email: erasedAddress(pseudonym),
      pseudonym,
      erasedAt: COMMAND.at,
      erasedBy: ALICE,
    });
    expect(erasedAddress(pseudonym)).toMatch(/@erased\.invalid$/);
    expect(decision.contact.remove).toEqual(['phone', 'address']);
    expect(decision.contact.notice).toEqual({
      notice: {
        ...notice(),
        to: erasedAddress(pseudonym),
        data: { ...notice().data, contactName: pseudonym },
      },
      statusRead: 'SENT',
      wasPending: false,
    });
    expect(decision.holderMustBeVoid).toBe(false);
    expect(decision.event).toEqual({
      action: 'PERSONAL_DATA_ERASED',
      at: COMMAND.at,
      requestId: 'req-erase',
      actor: ALICE,
      contactId: ID,
      pseudonym,
      fields: ['name', 'email', 'phone', 'address'],
    });
    expect(decision.answer).toEqual({
      contactId: ID,
      certificateNumber: HOLDER,
      pseudonym,
      erasedAt: COMMAND.at,
      erasedBy: ALICE,
      erased: {
        contact: ['name', 'email', 'phone', 'address'],
        emailLookup: true,
        contactIdEmail: true,
        roster: false,
        notices: [],
        audit: [],
      },
    });
    expect(JSON.stringify(decision.answer)).not.toMatch(/Marie|Acme\.example|\+33|rue X/i);
  });

  it('answers an erased contact with its erasure, deciding nothing again', () => {
    const first = decideErasure(context(), COMMAND);
    if (first.kind !== 'ERASE') throw new Error(first.kind);
    const erased = contact({ ...first.contact.set, phone: undefined, address: undefined });
    const again = decideErasure(context({ contact: erased }), { ...COMMAND, at: '2026-07-01T00:00:00.000Z' });
    expect(again).toEqual({ kind: 'ALREADY_ERASED', answer: first.answer });
  });

  it('refuses a current contact of a live certificate', () => {
    expect(() => decideErasure(context({ contact: contact({ status: 'ACTIVE' }) }), COMMAND)).toThrow(
      /current contact of certificate 12345678-1234567: replace it first/,
    );
  });

  it('erases a current contact of a void certificate, on condition it stays void, its roster seat too', () => {
    const seat = {
      role: 'PRIMARY' as const,
      serialNumbers: ['M1234567890'],
      email: 'marie@acme.example',
      to: 'Marie@Acme.example',
      name: 'Marie Curie',
      language: 'fr' as const,
    };
    const decision = decideErasure(
      context({
        contact: contact({ status: 'ACTIVE', notice: notice({ status: 'PENDING', sentAt: undefined }) }),
        holder: { certificateNumber: HOLDER, status: 'VOID', roster: { [ID]: seat } },
      }),
      COMMAND,
    );
    if (decision.kind !== 'ERASE') throw new Error(decision.kind);
    const pseudonym = pseudonymOf(ID);
    expect(decision.holderMustBeVoid).toBe(true);
    expect(decision.rosterEntry).toEqual({
      role: 'PRIMARY',
      serialNumbers: ['M1234567890'],
      email: erasedAddress(pseudonym),
      name: pseudonym,
      language: 'fr',
    });
    // Still owed: never sent now.
    expect(decision.contact.notice).toMatchObject({
      statusRead: 'PENDING',
      wasPending: true,
      notice: { status: 'UNDELIVERABLE', to: erasedAddress(pseudonym) },
    });
  });

  it('refuses a contact a renewal replaced for want of room while that renewal stands (its void would reinstate it)', () => {
    const rosterChange = {
      contactId: SUCCESSOR,
      created: true,
      serialNumbers: ['M1234567890'],
      formerPrimary: { contactId: ID, became: 'REPLACED' as const },
    };
    const certificates = [{ certificateNumber: HOLDER }, { certificateNumber: RENEWAL, rosterChange }];
    expect(() => decideErasure(context({ certificates }), COMMAND)).toThrow(
      /renewal 22222222-2222222 replaced Contact ID 1234567897/,
    );
    const voided = [
      { certificateNumber: HOLDER },
      { certificateNumber: RENEWAL, status: 'VOID' as const, rosterChange },
    ];
    expect(decideErasure(context({ certificates: voided }), COMMAND).kind).toBe('ERASE');
  });

  it('rewrites the audit entries that carry the person, following corrections back, and leaves the others', () => {
    const pseudonym = pseudonymOf(ID);
    const entries = [
      audit({
        action: 'CONTACT_ADDED',
        at: '2026-03-02T00:00:00.000Z',
        contactId: ID,
        email: 'marie@acme.example',
      }),
      audit({
        action: 'CONTACT_REPLACED',
        at: '2026-05-01T10:00:00.000Z',
        contactId: SUCCESSOR,
        replacedContactId: ID,
        email: 'pierre@acme.example',
        actor: { subject: 'Marie Curie', role: 'licensing-ops' },
      }),
      // Two corrections: +33 6 00 → +33 6 22 → +33 6 11 (the phone it has now).
      audit({
        action: 'CERTIFICATE_CORRECTED',
        at: '2026-04-01T00:00:00.000Z',
        changes: [
          { field: 'primaryContact.phone', before: '+33 6 00 00 00 00', after: '+33 6 22 22 22 22' },
          { field: 'company.phone', before: '+33 1 23 45 67 89', after: '+33 1 98 76 54 32' },
        ],
      }),
      audit(
        {
          action: 'CERTIFICATE_CORRECTED',
          at: '2026-04-15T00:00:00.000Z',
          changes: [
            { field: 'primaryContact.phone', before: '+33 6 22 22 22 22', after: '+33 6 11 11 11 11' },
            { field: 'primaryContact.name', before: 'Marie Sklodowska', after: 'Marie Curie' },
          ],
        },
        RENEWAL,
      ),
      audit({
        action: 'REMINDERS_OPTED_OUT',
        at: '2026-04-20T00:00:00.000Z',
        email: 'MARIE@acme.example',
        optOutKey: 'k',
      }),
    ];
    const decision = decideErasure(context({ audits: entries }), COMMAND);
    if (decision.kind !== 'ERASE') throw new Error(decision.kind);
    const rewritten = new Map(decision.audits.map((a) => [a.on.entry.at, a.set]));
    expect(rewritten.get('2026-03-02T00:00:00.000Z')).toEqual({ email: pseudonym });
    expect(rewritten.has('2026-05-01T10:00:00.000Z')).toBe(false);
    expect(rewritten.get('2026-04-01T00:00:00.000Z')).toEqual({
      changes: [
        { field: 'primaryContact.phone', before: pseudonym, after: pseudonym },
        { field: 'company.phone', before: '+33 1 23 45 67 89', after: '+33 1 98 76 54 32' },
      ],
    });
    expect(rewritten.get('2026-04-15T00:00:00.000Z')).toEqual({
      changes: [
        { field: 'primaryContact.phone', before: pseudonym, after: pseudonym },
        { field: 'primaryContact.name', before: pseudonym, after: pseudonym },
      ],
    });
    expect(rewritten.get('2026-04-20T00:00:00.000Z')).toEqual({ email: pseudonym });
    expect(decision.answer.erased.audit).toEqual([
      {
        certificateNumber: HOLDER,
        at: '2026-03-02T00:00:00.000Z',
        action: 'CONTACT_ADDED',
        fields: ['email'],
      },
      {
        certificateNumber: HOLDER,
        at: '2026-04-01T00:00:00.000Z',
        action: 'CERTIFICATE_CORRECTED',
        fields: ['changes'],
      },
      {
        certificateNumber: RENEWAL,
        at: '2026-04-15T00:00:00.000Z',
        action: 'CERTIFICATE_CORRECTED',
        fields: ['changes'],
      },
      {
        certificateNumber: HOLDER,
        at: '2026-04-20T00:00:00.000Z',
        action: 'REMINDERS_OPTED_OUT',
        fields: ['email'],
      },
    ]);
  });

  it('rewrites the other emails owed to the contact (a renewal’s, self-service resends), only theirs', () => {
    const renewalNotice = notice({ id: `renewal-${RENEWAL}` });
    const theirs = notice({ id: 'self-service-12345678-1234567-20260410-1', status: 'PENDING' });
    const someoneElses = notice({
      id: 'self-service-12345678-1234567-20260410-2',
      data: { contactId: SUCCESSOR },
    });
    const decision = decideErasure(
      context({
        certificates: [
          { certificateNumber: HOLDER },
          { certificateNumber: RENEWAL, notice: renewalNotice },
          { certificateNumber: '33333333-3333333', notice: notice({ data: { contactId: SUCCESSOR } }) },
        ],
        notices: [
          { noticeId: theirs.id, notice: theirs },
          { noticeId: someoneElses.id, notice: someoneElses },
        ],
      }),
      COMMAND,
    );
    if (decision.kind !== 'ERASE') throw new Error(decision.kind);
    expect(decision.certificateNotices.map((n) => n.certificateNumber)).toEqual([RENEWAL]);
    expect(decision.itemNotices).toMatchObject([
      { noticeId: theirs.id, wasPending: true, notice: { status: 'UNDELIVERABLE' } },
    ]);
    expect(decision.answer.erased.notices).toEqual([renewalNotice.id, theirs.id]);
    expect(JSON.stringify([decision.certificateNotices, decision.itemNotices])).not.toMatch(/Marie|acme/i);
  });
});
