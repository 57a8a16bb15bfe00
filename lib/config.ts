/**
 * What varies between stages, read once from CDK context. Everything else is code.
 */
import { fileURLToPath } from 'node:url';
import type { App } from 'aws-cdk-lib';
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

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
  /** Base URLs the emails link to: renewal, the licensing portal, the download service. */
  links: { renewalUrl: string; licensingPortalUrl: string; downloadsUrl: string };
}

const LINK_DEFAULTS = {
  renewalUrl: 'https://licensing.vendor.example/renew',
  licensingPortalUrl: 'https://licensing.vendor.example',
  downloadsUrl: 'https://downloads.vendor.example',
};

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
  const links = { ...LINK_DEFAULTS };
  for (const key of Object.keys(links) as Array<keyof typeof links>) {
    const value = app.node.tryGetContext(key);
    if (value === undefined) continue;
    if (!/^https:\/\/[^\s"<>]+$/.test(String(value)))
      throw new Error(`context "${key}" must be an https URL, got "${value}"`);
    links[key] = String(value);
  }
  return {
    stage,
    senderAddress,
    createSenderIdentity,
    ...(operationsEmail ? { operationsEmail } : {}),
    logRetention: production ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    logRemovalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    links,
  };
}

/** `Entitlements-<stage>`: stack names and the prefix of account-wide names (SES templates). */
export const serviceName = (stage: string) => `Entitlements-${stage}`;

export const senderDomain = (address: string) => address.slice(address.lastIndexOf('@') + 1);
