/**
 * What varies between stages, read once from CDK context. Everything else is code.
 */
import { fileURLToPath } from 'node:url';
import type { App } from 'aws-cdk-lib';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { readVariable, SETTINGS } from '../functions/shared/config.ts';

/** The repository root: bundling resolves entries and the lock file from here. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface StageConfig {
  /** e.g. `dev`, `prod`: part of every stack name and of the SES template prefix. */
  stage: string;
  /** The From address of every email; its domain must be verified in SES. */
  senderAddress: string;
  /** Create the SES domain identity for the sender's domain (off when it is managed elsewhere). */
  createSenderIdentity: boolean;
  /** Subscribed by email to the stage's operations topic, which every alarm notifies; optional. */
  operationsEmail?: string;
  /** How long function, workflow and access logs are kept. */
  logRetention: RetentionDays;
  /** Logs of a production stage outlive its stack; elsewhere they go with it. */
  logRemovalPolicy: RemovalPolicy;
  /**
   * The environment every Task function gets: the settings of functions/shared/config.ts
   * (`SETTINGS`: the links in the emails, the support phone and portal by country, the reminder
   * offsets, the GA run's page size), each from the context key named after its variable
   * (`RENEWAL_URL` → `renewalUrl`, `SUPPORT_CONTACTS` → `supportContacts`, JSON), or its default.
   */
  settings: Readonly<Record<string, string>>;
}

const STAGE = /^[a-z][a-z0-9-]{0,19}$/;
const EMAIL = /^[^@\s]+@([^@\s]+\.[^@\s]+)$/;

export function readStageConfig(app: App): StageConfig {
  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  if (!STAGE.test(stage)) throw new Error(`context "stage" must match ${STAGE}, got "${stage}"`);
  const senderAddress = String(app.node.tryGetContext('senderAddress') ?? '');
  if (!EMAIL.test(senderAddress))
    throw new Error(`context "senderAddress" must be an email address, got "${senderAddress}"`);
  const createSenderIdentity = ['true', true].includes(app.node.tryGetContext('createSenderIdentity'));
  const operationsEmail = String(app.node.tryGetContext('operationsEmail') ?? '');
  if (operationsEmail !== '' && !EMAIL.test(operationsEmail))
    throw new Error(`context "operationsEmail" must be an email address, got "${operationsEmail}"`);
  const production = stage === 'prod';
  const settings: Record<string, string> = {};
  for (const variable of SETTINGS) {
    const key = variable.name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const given: unknown = app.node.tryGetContext(key);
    // From the command line a value is text; from cdk.json it may be JSON (e.g. the offsets).
    const text = given === undefined ? undefined : typeof given === 'string' ? given : JSON.stringify(given);
    try {
      settings[variable.name] = variable.encode(readVariable(variable, { [variable.name]: text }));
    } catch (error) {
      throw new Error(`context "${key}": ${(error as Error).message}, got ${JSON.stringify(given)}`);
    }
  }
  return {
    stage,
    senderAddress,
    createSenderIdentity,
    ...(operationsEmail ? { operationsEmail } : {}),
    logRetention: production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    logRemovalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    settings,
  };
}

/** `Entitlements-<stage>`: stack names and the prefix of account-wide names (SES templates). */
export const serviceName = (stage: string) => `Entitlements-${stage}`;

export const senderDomain = (address: string) => address.slice(address.lastIndexOf('@') + 1);
