/**
 * The service's configuration: every environment variable a function reads, named once
 * here with the schema its value must meet. Three users, one list:
 *
 * - handlers read the section they need, once, at cold start (`config.table()`,
 *   `config.reminders()`, `config.workflowArn('DeliverNotice')`): a required variable
 *   missing, or any value malformed (optional ones included), fails the cold start with
 *   the variable's name;
 * - CDK names the variables it sets through `configEnvironment()` (and validates the
 *   values it knows at synth time), and the stage's settings through `SETTINGS`;
 * - the local stack sets the same variables through `configEnvironment()`.
 *
 * The state machines' ARNs are named by the workflow catalog (`WORKFLOWS[x].arnVariable`)
 * and read here through `config.workflowArn()`.
 */
import { WORKFLOWS, type WorkflowName } from '../catalog.ts';
import { Tier } from '../core/identifiers.ts';
import type { ReminderOffsets } from '../core/reminders.ts';
import { DEFAULT_LINKS, type SupportContacts } from '../core/wording.ts';
import * as z from '../core/zod.ts';

export interface Variable<T> {
  readonly name: string;
  /** Parses the variable's text into its value; fails on a malformed value. */
  readonly schema: z.ZodMiniType<T>;
  /** The value when the variable is absent or empty; without it, the variable is required. */
  readonly fallback?: { value: T };
  /** The variable's text for a value (CDK, the local stack). */
  readonly encode: (value: T) => string;
}

const text = (value: unknown) => String(value);

function required<T>(
  name: string,
  schema: z.ZodMiniType<T>,
  encode: (value: T) => string = text,
): Variable<T> {
  return { name, schema, encode };
}
function optional<T>(
  name: string,
  schema: z.ZodMiniType<T>,
  fallback: T,
  encode: (value: T) => string = text,
): Variable<T> {
  return { name, schema, fallback: { value: fallback }, encode };
}

const NonEmpty = z.string().check(z.minLength(1, 'must not be empty'));
const Arn = z.string().check(z.regex(/^arn:aws[a-z-]*:[a-z0-9-]+:/, 'must be an ARN'));
const Email = z.string().check(z.regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an email address'));
const HttpsUrl = z.string().check(z.regex(/^https:\/\/[^\s"<>]+$/, 'must be an https URL'));
const PositiveInteger = z.pipe(
  z.string().check(z.regex(/^[1-9]\d{0,5}$/, 'must be a whole number from 1 to 999999')),
  z.transform(Number),
);

/** JSON text holding a value of `schema`. */
function json<T>(schema: z.ZodMiniType<T>): z.ZodMiniType<T> {
  return z.pipe(
    z.pipe(
      z.string(),
      z.transform((value, ctx) => {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          ctx.issues.push({ code: 'custom', input: value, message: 'must be JSON' });
          return z.NEVER;
        }
      }),
    ),
    schema,
  ) as unknown as z.ZodMiniType<T>;
}

/** Days before a term's end, per tier: whole numbers, at least one, none twice. */
const ReminderOffsetsSchema = z.partialRecord(
  Tier,
  z.array(z.int()).check(
    z.minLength(1, 'a tier needs at least one offset'),
    z.refine((offsets) => new Set(offsets).size === offsets.length, 'an offset appears twice'),
  ),
) as unknown as z.ZodMiniType<ReminderOffsets>;

/** Support phone and portal by ISO country code, with `default` for every other country. */
const SupportContactsSchema = z.pipe(
  z.record(
    z.string().check(z.regex(/^(default|[A-Z]{2})$/, 'a key is "default" or an ISO country code (FR)')),
    z.object({
      phone: z.string().check(z.regex(/^\+?[0-9 ().-]{6,30}$/, 'must be a phone number')),
      portalUrl: HttpsUrl,
    }),
  ),
  z.transform((contacts, ctx) => {
    if (contacts.default) return contacts as SupportContacts;
    ctx.issues.push({ code: 'custom', input: contacts, message: 'needs a "default" entry' });
    return z.NEVER;
  }),
) as unknown as z.ZodMiniType<SupportContacts>;

/** Every variable, by the section a handler reads (`config.<section>()`). */
const SECTIONS = {
  table: {
    tableName: required('TABLE_NAME', NonEmpty),
  },
  /** Matches MailerConfig (functions/adapters/mailer.ts). */
  mailer: {
    from: required('SENDER_ADDRESS', Email),
    templatePrefix: required('EMAIL_TEMPLATE_PREFIX', NonEmpty),
    configurationSet: optional<string | undefined>('CONFIGURATION_SET_NAME', NonEmpty, undefined),
  },
  /** Matches SchedulerConfig (functions/adapters/scheduler.ts), but for the state machines' ARNs. */
  schedules: {
    groupName: required('SCHEDULE_GROUP_NAME', NonEmpty),
    roleArn: required('SCHEDULER_ROLE_ARN', Arn),
    deadLetterArn: required('SCHEDULER_DEAD_LETTER_ARN', Arn),
  },
  /** Renewal reminders per tier, e.g. `{"BASIC":[60,30,0]}`; a tier not named keeps the default offsets. */
  reminders: {
    offsets: optional('REMINDER_OFFSETS', json(ReminderOffsetsSchema), {} as ReminderOffsets, (value) =>
      JSON.stringify(value),
    ),
  },
  /** Batch imports through S3 (POST /imports, the import-registrations workflow): where files and reports live. */
  imports: {
    bucketName: required('IMPORTS_BUCKET_NAME', NonEmpty),
  },
  /** Domain events (functions/publish-domain-events): the EventBridge bus they are put on. */
  events: {
    busName: required('EVENT_BUS_NAME', NonEmpty),
  },
  /** Serials per page of a GA run (one Map item decides one page). */
  upgrades: {
    pageSize: optional('UPGRADE_PAGE_SIZE', PositiveInteger, 1000),
  },
  /**
   * Opting out of renewal reminders (core/unsubscribe.ts): the secret that signs the links
   * (on AWS a generated Secrets Manager secret, set by CDK; locally a fixed development value:
   * local links are not worth forging) and the public URL of the API they point at.
   */
  unsubscribe: {
    secret: optional(
      'UNSUBSCRIBE_SECRET',
      z.string().check(z.minLength(32, 'must be at least 32 characters')),
      'local-development-unsubscribe-secret-not-for-aws',
    ),
    baseUrl: optional(
      'UNSUBSCRIBE_BASE_URL',
      z.string().check(z.regex(/^https?:\/\/[^\s"<>?#]+$/, 'must be an http(s) URL without query')),
      'http://127.0.0.1:3000',
    ),
  },
  /**
   * Base URLs the emails link to, and the support phone and portal per country, e.g.
   * `{"default":{"phone":"+1 800 555 0100","portalUrl":"https://support.example"},"FR":{…}}`.
   */
  links: {
    renewalUrl: optional('RENEWAL_URL', HttpsUrl, DEFAULT_LINKS.renewalUrl),
    licensingPortalUrl: optional('LICENSING_PORTAL_URL', HttpsUrl, DEFAULT_LINKS.licensingPortalUrl),
    downloadsUrl: optional('DOWNLOADS_URL', HttpsUrl, DEFAULT_LINKS.downloadsUrl),
    supportContacts: optional(
      'SUPPORT_CONTACTS',
      json(SupportContactsSchema),
      DEFAULT_LINKS.supportContacts,
      (value) => JSON.stringify(value),
    ),
  },
};

export type SectionName = keyof typeof SECTIONS;
type ValueOf<V> = V extends Variable<infer T> ? T : never;
export type Section<K extends SectionName> = {
  [P in keyof (typeof SECTIONS)[K]]: ValueOf<(typeof SECTIONS)[K][P]>;
};

/**
 * The sections a stage sets from CDK context on every Task function (lib/config.ts): the
 * context key is the variable's name in camelCase (`REMINDER_OFFSETS` → `reminderOffsets`).
 */
export const SETTINGS: readonly Variable<unknown>[] = (['reminders', 'upgrades', 'links'] as const).flatMap(
  (section) => Object.values(SECTIONS[section]) as Variable<unknown>[],
);

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** The value of `variable` in `env`; a missing required or a malformed value throws, naming the variable. */
export function readVariable<T>(variable: Variable<T>, env: NodeJS.ProcessEnv = process.env): T {
  const raw = env[variable.name];
  if (raw === undefined || raw === '') {
    if (variable.fallback) return variable.fallback.value;
    throw new ConfigurationError(`environment variable ${variable.name} is not set`);
  }
  const parsed = variable.schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message,
    );
    throw new ConfigurationError(
      `environment variable ${variable.name} is malformed: ${problems.join('; ')}`,
    );
  }
  return parsed.data;
}

function readSection<K extends SectionName>(section: K, env: NodeJS.ProcessEnv = process.env): Section<K> {
  return Object.fromEntries(
    Object.entries(SECTIONS[section]).map(([key, variable]) => [
      key,
      readVariable(variable as Variable<unknown>, env),
    ]),
  ) as Section<K>;
}

/** The variable that holds a state machine's ARN (named by the workflow catalog). */
export const workflowArnVariable = (workflow: WorkflowName): Variable<string> =>
  required(WORKFLOWS[workflow].arnVariable, Arn);

/** What a handler reads at cold start: only the sections it uses. */
export const config = {
  table: () => readSection('table'),
  mailer: () => readSection('mailer'),
  schedules: () => readSection('schedules'),
  reminders: () => readSection('reminders'),
  upgrades: () => readSection('upgrades'),
  imports: () => readSection('imports'),
  events: () => readSection('events'),
  links: () => readSection('links'),
  unsubscribe: () => readSection('unsubscribe'),
  workflowArn: (workflow: WorkflowName) => readVariable(workflowArnVariable(workflow)),
};

/** The variables of a section, and whether a function must be given each (no fallback). */
export const sectionVariables = (section: SectionName): Array<{ name: string; required: boolean }> =>
  Object.values(SECTIONS[section]).map((v: Variable<unknown>) => ({ name: v.name, required: !v.fallback }));

/**
 * The environment that gives a function `values` of `section`: what CDK and the local stack
 * set. Each value is checked as a handler will read it, unless `isUnresolved` says it is a
 * deploy-time token (a CDK reference); a required value left out throws.
 */
export function configEnvironment<K extends SectionName>(
  section: K,
  values: Partial<Section<K>>,
  isUnresolved: (text: string) => boolean = () => false,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [key, variable] of Object.entries(SECTIONS[section]) as Array<[string, Variable<unknown>]>) {
    const value = (values as Record<string, unknown>)[key];
    if (value === undefined) {
      if (!variable.fallback)
        throw new ConfigurationError(`${variable.name} (${section}.${key}) must be given`);
      continue;
    }
    const raw = variable.encode(value);
    if (!isUnresolved(raw)) readVariable(variable, { [variable.name]: raw });
    environment[variable.name] = raw;
  }
  return environment;
}

/** The environment that gives a function a state machine's ARN. */
export const workflowEnvironment = (workflow: WorkflowName, arn: string): Record<string, string> => ({
  [workflowArnVariable(workflow).name]: arn,
});
