/**
 * The console on AWS: the built single-page app (console/dist) in a private S3 bucket, read by
 * CloudFront through origin access control, and the HTTP API behind the same distribution, so
 * the console calls the API on its own origin (no CORS). As the local stack serves it
 * (local/console.ts):
 * - `/console/assets/*`: the app's files, named by their content, cached for a year;
 * - `/console/config.json`: where to sign in (the user pool, the console client), written by
 *   the deployment, not cached;
 * - every other path under `/console/` and `/customer/`: the app's index.html (a CloudFront
 *   Function rewrites it; the app routes in the browser), not cached;
 * - anything else, `/customer/unsubscribe` included: the API, uncached, all methods, every
 *   viewer header but Host (API Gateway answers to its own host name).
 * Pages carry the local stack's security headers (lib/console-headers.ts), HSTS besides.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  SSLMethod,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { consoleContentSecurityPolicy } from '../console-headers.ts';
import { accessLogsBucket } from './access-logs.ts';
import { acknowledgeGuard } from './guard.ts';
import type { Identity } from './identity.ts';
import { serviceLogGroup } from './log-group.ts';
import { nagArn } from './nag.ts';

/** What the console is told at start (console/src/config.ts), as the deployment writes it. */
export interface ConsoleConfigJson {
  authority: string;
  clientId: string;
  localSignIn: false;
  logoutUrl: string;
  apiBase: '';
}

export interface ConsoleProps {
  stage: string;
  /** `vite build`'s output: index.html and assets/ (lib/config.ts `consoleDist`). */
  dist: string;
  /** The API the distribution's default behaviour forwards to. */
  api: IHttpApi;
  /** The user pool; the console's app client is made here, beside the distribution. */
  identity: Identity;
  logRetention: RetentionDays;
  logRemovalPolicy: RemovalPolicy;
  /**
   * A custom domain: the host names of the console URLs given as context, and the ACM
   * certificate (us-east-1) for them. Without it, the distribution's own domain.
   */
  customDomain?: { domainNames: string[]; certificateArn: string };
  /** Other origins the pages call: the imports bucket (the import page uploads to its presigned URLs). */
  connectSources?: string[];
}

/**
 * The viewer-request function of the app's behaviours: its files and config.json as they
 * are, `/console` to `/console/`, every other path the app's index.html.
 */
export const REWRITE_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/console') {
    return { statusCode: 308, statusDescription: 'Permanent Redirect', headers: { location: { value: '/console/' } } };
  }
  if (uri.indexOf('/console/assets/') === 0 || uri === '/console/config.json') return request;
  request.uri = '/console/index.html';
  return request;
}`;

/** Immutable for a year: a new build names its files anew. */
const ASSETS_MAX_AGE = Duration.days(365);
/** HSTS: two years, as browsers' preload lists ask. */
const HSTS_MAX_AGE = Duration.days(730);

export class Console extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  readonly distribution: Distribution;
  readonly rewrite: EdgeFunction;
  /** The app's pages and config.json: the security headers, not cached. */
  readonly pageHeaders: ResponseHeadersPolicy;
  /** The app's files: the security headers, cached for a year. */
  readonly assetHeaders: ResponseHeadersPolicy;
  /** The API's answers: HSTS and nosniff (the API sets the rest of its headers). */
  readonly apiHeaders: ResponseHeadersPolicy;
  readonly deployment: BucketDeployment;
  readonly deploymentRole: Role;
  /** CDK's BucketDeployment function (one per stack, at its root), run with `deploymentRole`. */
  readonly deploymentFunction: LambdaFunction;
  /** What /console/config.json says. */
  readonly config: ConsoleConfigJson;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    if (!existsSync(join(props.dist, 'index.html')))
      throw new Error(
        `the console is not built: ${join(props.dist, 'index.html')} is missing. Run \`npm run console:build\` first (or give context consoleDist=<directory of a vite build>).`,
      );
    const stack = Stack.of(this);

    // Server access logs of the app's bucket and CloudFront's standard logs.
    this.accessLogs = accessLogsBucket(this, 'AccessLogs', {
      receives: "the console's CloudFront and S3 access logs",
      sourcePrefix: 'console-bucket/',
      cloudFrontLogs: true,
    });

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Earlier builds, a month back: a bad deploy can be undone from the bucket.
      versioned: true,
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // A versioned bucket is not empty once used, so CloudFormation could not delete it: kept,
      // as the deployment keeps its files; a new stack deploys a new bucket.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    (this.bucket.node.defaultChild as CfnBucket).loggingConfiguration = {
      destinationBucketName: this.accessLogs.bucketName,
      logFilePrefix: 'console-bucket/',
    };
    const builtFiles = "The console's built files (HTML, JavaScript, CSS), which every visitor downloads";
    acknowledgeGuard(
      this.bucket,
      's3_bucket_default_encryption_kms_check',
      `${builtFiles}: nothing secret to protect with a KMS key, and CloudFront's origin access control reads SSE-KMS objects only with a customer-managed key whose policy trusts it. Encrypted at rest with S3-managed keys.`,
    );
    acknowledgeGuard(
      this.bucket,
      's3_event_notifications_enabled_check',
      `${builtFiles}; only the deployment writes them and nothing acts on a change.`,
    );
    acknowledgeGuard(
      this.bucket,
      's3_bucket_object_lock_enabled_check',
      `${builtFiles}: each deploy replaces them and removes the old build's files, which Object Lock would forbid.`,
    );

    // Sign-in happens at Cognito: the discovery document at the issuer, the token at the pool's domain.
    const cognitoDomain = props.identity.domain.baseUrl();
    const issuer = props.identity.issuer;
    const issuerOrigin = `https://cognito-idp.${stack.region}.${stack.urlSuffix}`;
    const securityHeaders = {
      contentSecurityPolicy: {
        contentSecurityPolicy: consoleContentSecurityPolicy([
          issuerOrigin,
          cognitoDomain,
          ...(props.connectSources ?? []),
        ]),
        override: true,
      },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: {
        referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
        override: true,
      },
      strictTransportSecurity: {
        accessControlMaxAge: HSTS_MAX_AGE,
        includeSubdomains: true,
        override: true,
      },
    };
    const cacheControl = (value: string) => ({
      customHeaders: [{ header: 'Cache-Control', value, override: true }],
    });
    this.pageHeaders = new ResponseHeadersPolicy(this, 'PageHeaders', {
      comment: `Entitlements ${props.stage} console pages: security headers, not cached`,
      securityHeadersBehavior: securityHeaders,
      customHeadersBehavior: cacheControl('no-cache'),
    });
    this.assetHeaders = new ResponseHeadersPolicy(this, 'AssetHeaders', {
      comment: `Entitlements ${props.stage} console files: security headers, cached for a year`,
      securityHeadersBehavior: securityHeaders,
      customHeadersBehavior: cacheControl(`public, max-age=${ASSETS_MAX_AGE.toSeconds()}, immutable`),
    });
    this.apiHeaders = new ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: `Entitlements ${props.stage} API through the console's origin: HSTS and nosniff`,
      securityHeadersBehavior: {
        contentTypeOptions: { override: true },
        strictTransportSecurity: securityHeaders.strictTransportSecurity,
      },
    });

    this.rewrite = new EdgeFunction(this, 'Rewrite', {
      comment: 'Console pages: every path but its files and config.json is the app’s index.html',
      code: FunctionCode.fromInline(REWRITE_FUNCTION_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });

    const app = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const api = new HttpOrigin(`${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
    });
    const toApi: BehaviorOptions = {
      origin: api,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      // Uncached, so every viewer header (Authorization included) may go to the API, but Host.
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.apiHeaders,
    };
    const page: BehaviorOptions = {
      origin: app,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      responseHeadersPolicy: this.pageHeaders,
      functionAssociations: [{ function: this.rewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Entitlements ${props.stage}: the console, the customer pages and the API`,
      defaultBehavior: toApi,
      additionalBehaviors: {
        // The unsubscribe link of the reminder emails is the API's, under /customer/.
        '/customer/unsubscribe*': toApi,
        '/console/assets/*': {
          origin: app,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: new CachePolicy(this, 'AssetsCache', {
            comment: `Entitlements ${props.stage} console files: named by their content, kept a year`,
            defaultTtl: ASSETS_MAX_AGE,
            minTtl: ASSETS_MAX_AGE,
            maxTtl: ASSETS_MAX_AGE,
            enableAcceptEncodingGzip: true,
            enableAcceptEncodingBrotli: true,
          }),
          compress: true,
          responseHeadersPolicy: this.assetHeaders,
        },
        '/console': page,
        '/console/*': page,
        '/customer/*': page,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      // With CloudFront's own certificate TLS 1.2 is not enforceable (CFR4 below); with a custom one it is.
      ...(props.customDomain
        ? {
            domainNames: props.customDomain.domainNames,
            certificate: Certificate.fromCertificateArn(
              this,
              'Certificate',
              props.customDomain.certificateArn,
            ),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: SSLMethod.SNI,
          }
        : {}),
      enableLogging: true,
      logBucket: this.accessLogs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR1',
      reason:
        'Staff and customers sign in or look up lifecycles from any country; no market is excluded, so no geographic restriction applies.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR2',
      reason:
        'A web ACL for CloudFront must be made in us-east-1 and this app is region-agnostic; the API throttles its stage and the public form per route, and the console pages are static files.',
    });
    acknowledgeGuard(
      this.distribution,
      'cloudfront_origin_failover_enabled_check',
      'Each origin (the bucket, the API) is one regional resource of the stage; a second would need the whole stage in another region.',
    );
    acknowledgeGuard(
      this.distribution,
      'cloudfront_default_root_object_configured_check',
      'The root path is the API’s (the default behaviour); the console’s index.html is served for every page under /console/ and /customer/ by the Rewrite function.',
    );

    if (!props.customDomain) this.acknowledgeDefaultCertificate();

    // The console client, which signs in at this distribution and any other origin given.
    const url = `https://${this.distribution.distributionDomainName}`;
    const client = props.identity.addConsoleClient(this, [url, ...props.identity.consoleOrigins]);
    this.config = {
      authority: issuer,
      clientId: client.userPoolClientId,
      localSignIn: false,
      logoutUrl: `${cognitoDomain}/logout`,
      apiBase: '',
    };
    // The deployment's own role: its logs to its own group, no AWS managed policy.
    const deploymentLogs = serviceLogGroup(this, 'DeploymentLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.deploymentRole = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Entitlements ${props.stage}: copies the built console to its bucket and invalidates its pages`,
    });
    deploymentLogs.grantWrite(this.deploymentRole);
    this.deployment = new BucketDeployment(this, 'Deployment', {
      sources: [Source.asset(props.dist), Source.jsonData('config.json', this.config)],
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'console/',
      // The pages and config.json are not cached at CloudFront; browsers revalidate them.
      distribution: this.distribution,
      distributionPaths: ['/console/index.html', '/console/config.json'],
      memoryLimit: 512,
      role: this.deploymentRole,
      logGroup: deploymentLogs,
    });
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!(handler instanceof LambdaFunction))
      throw new Error("CDK's BucketDeployment function is not in the stack");
    this.deploymentFunction = handler;
    this.acknowledgeDeployment();
  }

  /** CloudFront's default domain and certificate: what its rules ask of a custom certificate cannot apply. */
  private acknowledgeDefaultCertificate(): void {
    const defaultDomain =
      'CloudFront’s default certificate (*.cloudfront.net): the console is reached at the distribution’s own domain unless a custom domain is set up in front of it';
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions::AwsSolutions-CFR4',
      reason: `${defaultDomain}. That certificate accepts TLSv1 whatever the minimum set; browsers negotiate TLS 1.2 or 1.3, and HSTS keeps them on HTTPS.`,
    });
    acknowledgeGuard(
      this.distribution,
      'cloudfront_custom_ssl_certificate_check',
      `${defaultDomain}; a custom certificate needs a domain of the operator's.`,
    );
    acknowledgeGuard(
      this.distribution,
      'cloudfront_security_policy_check',
      `${defaultDomain}, whose security policy CloudFront fixes; browsers negotiate TLS 1.2 or 1.3.`,
    );
    acknowledgeGuard(
      this.distribution,
      'cloudfront_sni_enabled_check',
      `${defaultDomain}: SNI applies only to a custom certificate.`,
    );
  }

  /**
   * The grants CDK's BucketDeployment gives its function (a singleton of the stack, in Python,
   * run by CloudFormation at deploy): the staged asset's objects, this bucket's, and the
   * invalidation of this distribution.
   */
  private acknowledgeDeployment(): void {
    const role = Validations.of(this.deploymentRole);
    const grants: Array<[string, string]> = [
      [
        'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
        "The CDK bootstrap's asset bucket of this account and region, read for the zip of the built console; its key is a content hash known at synth, named by CDK's grant as the bucket's objects.",
      ],
      [
        `Resource::${nagArn(this, this.bucket.arnForObjects('*'))}`,
        "The console bucket's objects: the deployment writes the new build and deletes the previous build's files (prune).",
      ],
      [
        'Resource::*',
        'cloudfront:CreateInvalidation and GetInvalidation, which CDK grants on "*"; the function invalidates only this distribution (its id is the custom resource\'s property).',
      ],
    ];
    for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'])
      grants.push([
        `Action::${action}`,
        `CDK's read and write grants (${action}) on the asset bucket and the console bucket, used by the deployment's sync of the built files; limited to those two buckets.`,
      ]);
    for (const [finding, reason] of grants)
      role.acknowledge({ id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`, reason });
    // On its resource: CDK puts the function itself at the stack's root.
    const cfnFunction = this.deploymentFunction.node.defaultChild!;
    Validations.of(cfnFunction).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        "CDK's BucketDeployment function: its runtime (Python, with the AWS CLI layer) is chosen by aws-cdk-lib and follows its releases, not set here.",
    });
    acknowledgeGuard(
      cfnFunction,
      'lambda_inside_vpc_check',
      "CDK's BucketDeployment function, run only by CloudFormation at deploy: it reaches S3 and CloudFront's API over TLS with its role, and nothing inside a network.",
    );
  }

  /** Where people open the console. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}/console/`;
  }
}
