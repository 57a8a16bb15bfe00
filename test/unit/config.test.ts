/**
 * The one configuration (functions/shared/config.ts): each variable named once, read and
 * validated when a handler loads, and written by CDK and the local stack through it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WORKFLOWS } from '../../functions/catalog.ts';
import {
  config,
  configEnvironment,
  SETTINGS,
  sectionVariables,
  workflowEnvironment,
} from '../../functions/shared/config.ts';

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

const withEnv = (env: Record<string, string | undefined>) => {
  for (const [key, value] of Object.entries(env))
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
};

describe('reading a section', () => {
  it('gives the values a handler needs, parsed', () => {
    withEnv({
      TABLE_NAME: 'Entitlements',
      REMINDER_OFFSETS: '{"BASIC":[60,30,0]}',
      UPGRADE_PAGE_SIZE: '250',
      RENEWAL_URL: 'https://renew.acme.example',
    });
    expect(config.table()).toEqual({ tableName: 'Entitlements' });
    expect(config.reminders()).toEqual({ offsets: { BASIC: [60, 30, 0] } });
    expect(config.upgrades()).toEqual({ pageSize: 250 });
    expect(config.links().renewalUrl).toBe('https://renew.acme.example');
  });

  it('falls back to the defaults where an optional variable is absent or empty', () => {
    withEnv({ REMINDER_OFFSETS: undefined, UPGRADE_PAGE_SIZE: '', DOWNLOADS_URL: undefined });
    expect(config.reminders()).toEqual({ offsets: {} });
    expect(config.upgrades()).toEqual({ pageSize: 1000 });
    expect(config.links().downloadsUrl).toBe('https://downloads.vendor.example');
  });

  it('gives the support phone and portal per country, with a default for the others', () => {
    withEnv({ SUPPORT_CONTACTS: undefined });
    expect(config.links().supportContacts.default).toEqual({
      phone: expect.stringMatching(/^\+/),
      portalUrl: expect.stringMatching(/^https:/),
    });
    const contacts = {
      default: { phone: '+1 800 555 0199', portalUrl: 'https://support.acme.example' },
      DE: { phone: '+49 69 1234 5678', portalUrl: 'https://support.acme.example/de' },
    };
    withEnv({ SUPPORT_CONTACTS: JSON.stringify(contacts) });
    expect(config.links().supportContacts).toEqual(contacts);
    expect(configEnvironment('links', { supportContacts: contacts })).toMatchObject({
      SUPPORT_CONTACTS: JSON.stringify(contacts),
    });
  });

  it.each([
    ['{"DE":{"phone":"+49 69 1","portalUrl":"https://s.example"}}', /needs a "default" entry/],
    ['{"default":{"phone":"call us","portalUrl":"https://s.example"}}', /must be a phone number/],
    ['{"default":{"phone":"+1 800 555 0100","portalUrl":"http://s.example"}}', /must be an https URL/],
    ['{"germany":{"phone":"+1 800 555 0100","portalUrl":"https://s.example"}}', /germany/],
  ])('refuses SUPPORT_CONTACTS %s', (value, message) => {
    withEnv({ SUPPORT_CONTACTS: value });
    expect(() => config.links()).toThrow(message);
  });

  it('fails with the name of a required variable that is missing', () => {
    withEnv({ TABLE_NAME: undefined, SENDER_ADDRESS: 'a@b.example', EMAIL_TEMPLATE_PREFIX: '' });
    expect(() => config.table()).toThrow('environment variable TABLE_NAME is not set');
    expect(() => config.mailer()).toThrow('environment variable EMAIL_TEMPLATE_PREFIX is not set');
  });

  it.each([
    ['{"BASIC":[60,30,0]', /REMINDER_OFFSETS is malformed: must be JSON/],
    ['{"BASCI":[60]}', /REMINDER_OFFSETS is malformed: .*BASCI/],
    ['{"BASIC":[60,"30"]}', /REMINDER_OFFSETS is malformed: BASIC\.1: /],
    ['{"BASIC":[]}', /REMINDER_OFFSETS is malformed: BASIC: a tier needs at least one offset/],
    ['{"BASIC":[30,30]}', /REMINDER_OFFSETS is malformed: BASIC: an offset appears twice/],
    ['[60,30,0]', /REMINDER_OFFSETS is malformed/],
  ])('fails on a malformed optional value, naming it: REMINDER_OFFSETS=%s', (value, message) => {
    withEnv({ REMINDER_OFFSETS: value });
    expect(() => config.reminders()).toThrow(message);
  });

  it.each([
    ['UPGRADE_PAGE_SIZE', '0', () => config.upgrades()],
    ['UPGRADE_PAGE_SIZE', 'lots', () => config.upgrades()],
    ['RENEWAL_URL', 'http://renew.example', () => config.links()],
    ['SCHEDULER_ROLE_ARN', 'role/scheduler', () => config.schedules()],
  ])('fails on %s=%s, naming it', (name, value, read) => {
    withEnv({
      SCHEDULE_GROUP_NAME: 'g',
      SCHEDULER_DEAD_LETTER_ARN: 'arn:aws:sqs:eu-west-1:1:q',
      [name]: value,
    });
    expect(read).toThrow(`environment variable ${name} is malformed`);
  });

  it("reads a workflow's ARN from the variable the catalog names", () => {
    withEnv({ [WORKFLOWS.DeliverNotice.arnVariable]: 'arn:aws:states:eu-west-1:1:stateMachine:d' });
    expect(config.workflowArn('DeliverNotice')).toBe('arn:aws:states:eu-west-1:1:stateMachine:d');
    withEnv({ [WORKFLOWS.ChangeContacts.arnVariable]: undefined });
    expect(() => config.workflowArn('ChangeContacts')).toThrow(
      `environment variable ${WORKFLOWS.ChangeContacts.arnVariable} is not set`,
    );
  });
});

describe('a handler', () => {
  it('fails its cold start on a malformed REMINDER_OFFSETS, naming it', async () => {
    vi.resetModules();
    withEnv({ TABLE_NAME: 'Entitlements', REMINDER_OFFSETS: '{"BASIC":[60,30,"zero"]}' });
    await expect(import('../../functions/record-registration/handler.ts')).rejects.toThrow(
      /environment variable REMINDER_OFFSETS is malformed: BASIC\.2/,
    );
  });
});

describe('writing the environment (CDK, the local stack)', () => {
  it('names each variable as the handler reads it, and round-trips the values', () => {
    const env = {
      ...configEnvironment('reminders', { offsets: { BASIC: [60, 30, 0] } }),
      ...configEnvironment('upgrades', { pageSize: 250 }),
      ...configEnvironment('table', { tableName: 'T' }),
      ...workflowEnvironment('DeliverNotice', 'arn:aws:states:eu-west-1:1:stateMachine:d'),
    };
    expect(env).toEqual({
      REMINDER_OFFSETS: '{"BASIC":[60,30,0]}',
      UPGRADE_PAGE_SIZE: '250',
      TABLE_NAME: 'T',
      [WORKFLOWS.DeliverNotice.arnVariable]: 'arn:aws:states:eu-west-1:1:stateMachine:d',
    });
    withEnv(env);
    expect(config.reminders().offsets).toEqual({ BASIC: [60, 30, 0] });
    expect(config.upgrades().pageSize).toBe(250);
  });

  it('refuses a value the handler would refuse, and a required value left out', () => {
    expect(() => configEnvironment('links', { renewalUrl: 'http://renew.example' })).toThrow(
      'environment variable RENEWAL_URL is malformed: must be an https URL',
    );
    expect(() => configEnvironment('mailer', { from: 'a@b.example' })).toThrow(/EMAIL_TEMPLATE_PREFIX/);
  });

  it('leaves deploy-time tokens unchecked', () => {
    const token = ['$', '{Token[TOKEN.42]}'].join(''); // how a CDK token reads
    expect(
      configEnvironment(
        'schedules',
        { groupName: 'g', roleArn: token, deadLetterArn: token },
        (t) => t === token,
      ),
    ).toEqual({ SCHEDULE_GROUP_NAME: 'g', SCHEDULER_ROLE_ARN: token, SCHEDULER_DEAD_LETTER_ARN: token });
  });

  it('lists the stage settings (set on every Task function) and the required variables of each section', () => {
    expect(SETTINGS.map((v) => v.name).sort()).toEqual([
      'DOWNLOADS_URL',
      'LICENSING_PORTAL_URL',
      'REMINDER_OFFSETS',
      'RENEWAL_URL',
      'SUPPORT_CONTACTS',
      'UPGRADE_PAGE_SIZE',
    ]);
    expect(sectionVariables('mailer')).toEqual([
      { name: 'SENDER_ADDRESS', required: true },
      { name: 'EMAIL_TEMPLATE_PREFIX', required: true },
      { name: 'CONFIGURATION_SET_NAME', required: false },
    ]);
  });
});
