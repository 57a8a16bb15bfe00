/**
 * What varies between stages, read once from CDK context. Everything else is code.
 */
import { resolve } from 'node:path';
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
  /** Who signs in: the stage's Cognito user pool (lib/constructs/identity.ts). */
  identity: IdentityConfig;
  /**
   * The built console deployed to its bucket (lib/constructs/console.ts): `vite build`'s output,
   * `console/dist` (`npm run console:build`), or the directory named by context `consoleDist`.
   */
  consoleDist: string;
  /**
   * An ACM certificate (us-east-1, as CloudFront requires) for the hosts of `consoleUrl`, from
   * context `consoleCertificateArn`: the distribution then answers to those names with it, TLS
   * 1.2 at least. Without it, the distribution's own domain and CloudFront's certificate.
   */
  consoleCertificateArn?: string;
}

export interface IdentityConfig {
  /**
   * The Cognito prefix domain (`<prefix>.auth.<region>.amazoncognito.com`), from context
   * `cognitoDomainPrefix`. Prefixes are unique across all AWS accounts of a region, so by
   * default none is fixed here: the pool's domain is `entitlements-<stage>-<8 hex digits of
   * the stack's id>`, made by CloudFormation at deploy.
   */
  domainPrefix?: string;
  /**
   * Other origins the console is served from, besides its CloudFront distribution (which is
   * always one): from context `consoleUrl` (comma-separated; each URL's origin counts), e.g. a
   * custom domain in front of it. The console client's callback is `<origin>/console/callback`
   * and its sign-out `<origin>/console/`. https; `http://localhost` only outside production.
   */
  consoleUrls: readonly string[];
  /** Production keeps its people: the pool is retained with the stack gone and protected from deletion. */
  retain: boolean;
}

const STAGE = /^[a-z][a-z0-9-]{0,19}$/;
/** Cognito's rule for a prefix domain; it may not name AWS, Amazon or Cognito either. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** CloudFront takes certificates from ACM in us-east-1 only. */
const CLOUDFRONT_CERTIFICATE = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/;
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
  const identity = readIdentityConfig(app, production);
  const certificate = app.node.tryGetContext('consoleCertificateArn') as unknown;
  if (certificate !== undefined) {
    if (typeof certificate !== 'string' || !CLOUDFRONT_CERTIFICATE.test(certificate))
      throw new Error(
        `context "consoleCertificateArn" must be the ARN of an ACM certificate in us-east-1, got ${JSON.stringify(certificate)}`,
      );
    if (identity.consoleUrls.length === 0)
      throw new Error('context "consoleCertificateArn" needs "consoleUrl": the https URLs it is for');
  }
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
    identity,
    ...(certificate === undefined ? {} : { consoleCertificateArn: certificate as string }),
    consoleDist: resolve(REPO_ROOT, String(app.node.tryGetContext('consoleDist') ?? 'console/dist')),
  };
}

function readIdentityConfig(app: App, production: boolean): IdentityConfig {
  const prefix = app.node.tryGetContext('cognitoDomainPrefix') as unknown;
  if (
    prefix !== undefined &&
    (typeof prefix !== 'string' || !DOMAIN_PREFIX.test(prefix) || /aws|amazon|cognito/.test(prefix))
  )
    throw new Error(
      `context "cognitoDomainPrefix" must be lower-case letters, digits and hyphens without "aws", "amazon" or "cognito", got ${JSON.stringify(prefix)}`,
    );
  const given = app.node.tryGetContext('consoleUrl') as unknown;
  const consoleUrls = (given === undefined ? [] : String(given).split(','))
    .map((url) => url.trim())
    .filter(Boolean);
  const local = /^http:\/\/localhost(:\d+)?(\/|$)/;
  for (const url of consoleUrls) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    const allowed = parsed?.protocol === 'https:' || (!production && local.test(url));
    if (!parsed || !allowed || parsed.hash)
      throw new Error(
        `context "consoleUrl": each URL must be https${production ? '' : ' (or http://localhost)'}, without a fragment, got ${JSON.stringify(url)}`,
      );
  }
  if (given !== undefined && consoleUrls.length === 0) throw new Error('context "consoleUrl" names no URL');
  return {
    ...(prefix === undefined ? {} : { domainPrefix: prefix as string }),
    consoleUrls,
    retain: production,
  };
}

/** `Entitlements-<stage>`: stack names and the prefix of account-wide names (SES templates). */
export const serviceName = (stage: string) => `Entitlements-${stage}`;

export const senderDomain = (address: string) => address.slice(address.lastIndexOf('@') + 1);
