/**
 * The console on AWS (lib/constructs/console.ts): a private bucket read by CloudFront through
 * origin access control, the app's paths to it (rewritten to index.html by a CloudFront
 * Function), everything else to the HTTP API on the same origin, the local stack's security
 * headers, the built app and its config.json deployed, and the console client signing in there.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildService } from '../../lib/app.ts';
import { CONSOLE_SECURITY_HEADERS, consoleContentSecurityPolicy } from '../../lib/console-headers.ts';
import { REWRITE_FUNCTION_CODE } from '../../lib/constructs/console.ts';
import { CONSOLE_SECURITY_HEADERS as LOCAL_HEADERS } from '../../local/console.ts';
import {
  importedValue,
  type Json,
  logicalIdOf,
  resourceOf,
  resourcesOf,
  type Synthesized,
  synthService,
  testApp,
} from './synth.ts';

/** CloudFront's managed policies, by their fixed ids. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const YEAR = 365 * 24 * 3600;

let synth: Synthesized;
let stateless: Template;
let distribution: Json;
beforeAll(() => {
  synth = synthService();
  stateless = synth.statelessTemplate;
  distribution = resourceOf(stateless, synth.stateless.console.distribution).Properties.DistributionConfig;
});

const console_ = () => synth.stateless.console;
const ref = (construct: Parameters<typeof logicalIdOf>[0]) => ({ Ref: logicalIdOf(construct) });
const resolve = (value: unknown) => synth.stateless.resolve(value);

/** The origin a behaviour sends to: 'app' (the bucket) or 'api'. */
function originOf(behaviour: Json): 'app' | 'api' {
  const origin = (distribution.Origins as Json[]).find((o) => o.Id === behaviour.TargetOriginId)!;
  if (JSON.stringify(origin.DomainName).includes(logicalIdOf(console_().bucket))) return 'app';
  expect(origin.DomainName).toEqual({
    'Fn::Join': [
      '',
      [
        ref(synth.stateless.httpApi.api),
        '.execute-api.',
        { Ref: 'AWS::Region' },
        '.',
        { Ref: 'AWS::URLSuffix' },
      ],
    ],
  });
  return 'api';
}
const behaviour = (pattern: string): Json =>
  (distribution.CacheBehaviors as Json[]).find((b) => b.PathPattern === pattern)!;

/** Runs the viewer-request function as CloudFront would, on a request for `uri`. */
function viewerRequest(uri: string): Json {
  const handler = new Function(`${REWRITE_FUNCTION_CODE}; return handler;`)() as (event: Json) => Json;
  return handler({ request: { method: 'GET', uri, headers: {}, querystring: {} } });
}

describe('the bucket', () => {
  it('is private, encrypted, versioned, TLS only, and no website', () => {
    const bucket = resourceOf(stateless, console_().bucket).Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(
      bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    ).toEqual({
      SSEAlgorithm: 'AES256',
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.WebsiteConfiguration).toBeUndefined();
    expect(bucket.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    // Its server access logs go to the console's log bucket.
    expect(bucket.LoggingConfiguration).toEqual({
      DestinationBucketName: ref(console_().accessLogs),
      LogFilePrefix: 'console-bucket/',
    });
  });

  it('lets only this distribution read it, through CloudFront, and refuses plain HTTP', () => {
    const policies = Object.values(resourcesOf(stateless, 'AWS::S3::BucketPolicy')).filter(
      (p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify(ref(console_().bucket)),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement as Json[];
    expect(statements.filter((s) => s.Effect === 'Allow')).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: resolve(console_().bucket.arnForObjects('*')),
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  ref(console_().distribution),
                ],
              ],
            },
          },
        },
      },
    ]);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('is read through an origin access control signing every request, not an origin access identity', () => {
    const controls = Object.entries(resourcesOf(stateless, 'AWS::CloudFront::OriginAccessControl'));
    expect(controls).toHaveLength(1);
    const [controlId, control] = controls[0]!;
    expect(control.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(resourcesOf(stateless, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual({});
    const s3Origins = (distribution.Origins as Json[]).filter((o) => o.S3OriginConfig);
    expect(s3Origins).toHaveLength(1);
    expect(s3Origins[0]!.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [controlId, 'Id'] });
    expect(s3Origins[0]!.S3OriginConfig.OriginAccessIdentity).toBe('');
  });
});

describe('the distribution', () => {
  it('sends everything by default to the API: uncached, all methods, every viewer header but Host', () => {
    const api = distribution.DefaultCacheBehavior as Json;
    expect(originOf(api)).toBe('api');
    expect(api.AllowedMethods).toEqual(
      expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
    );
    expect(api.CachePolicyId).toBe(CACHING_DISABLED);
    expect(api.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
    expect(api.FunctionAssociations).toBeUndefined();
    const origin = (distribution.Origins as Json[]).find((o) => o.Id === api.TargetOriginId)!;
    expect(origin.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
  });

  it('sends the pages under /console/ and /customer/ to the bucket through the rewrite, uncached', () => {
    for (const pattern of ['/console', '/console/*', '/customer/*']) {
      const page = behaviour(pattern);
      expect(originOf(page), pattern).toBe('app');
      expect(page.AllowedMethods, pattern).toEqual(['GET', 'HEAD']);
      expect(page.CachePolicyId, pattern).toBe(CACHING_DISABLED);
      expect(page.FunctionAssociations, pattern).toEqual([
        {
          EventType: 'viewer-request',
          FunctionARN: { 'Fn::GetAtt': [logicalIdOf(console_().rewrite), 'FunctionARN'] },
        },
      ]);
      expect(page.ResponseHeadersPolicyId, pattern).toEqual(ref(console_().pageHeaders));
    }
  });

  it("keeps the unsubscribe link the API's, matched before the customer pages", () => {
    const unsubscribe = behaviour('/customer/unsubscribe*');
    expect(originOf(unsubscribe)).toBe('api');
    expect(unsubscribe.CachePolicyId).toBe(CACHING_DISABLED);
    expect(unsubscribe.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
    expect(unsubscribe.AllowedMethods).toContain('POST');
    // CloudFront takes the first behaviour that matches, in order.
    const patterns = (distribution.CacheBehaviors as Json[]).map((b) => b.PathPattern);
    expect(patterns.indexOf('/customer/unsubscribe*')).toBeLessThan(patterns.indexOf('/customer/*'));
    expect(patterns.indexOf('/console/assets/*')).toBeLessThan(patterns.indexOf('/console/*'));
  });

  it("caches the app's files (named by their content) a year, as is", () => {
    const assets = behaviour('/console/assets/*');
    expect(originOf(assets)).toBe('app');
    expect(assets.FunctionAssociations).toBeUndefined();
    expect(assets.ResponseHeadersPolicyId).toEqual(ref(console_().assetHeaders));
    const cache = resourcesOf(stateless, 'AWS::CloudFront::CachePolicy')[assets.CachePolicyId.Ref]!;
    expect(cache.Properties.CachePolicyConfig).toMatchObject({
      DefaultTTL: YEAR,
      MinTTL: YEAR,
      MaxTTL: YEAR,
    });
    const headers = resourcesOf(stateless, 'AWS::CloudFront::ResponseHeadersPolicy')[
      logicalIdOf(console_().assetHeaders)
    ]!.Properties.ResponseHeadersPolicyConfig;
    expect(headers.CustomHeadersConfig.Items).toEqual([
      { Header: 'Cache-Control', Value: `public, max-age=${YEAR}, immutable`, Override: true },
    ]);
  });

  it('redirects every viewer to HTTPS, and logs access', () => {
    const all = [distribution.DefaultCacheBehavior, ...distribution.CacheBehaviors] as Json[];
    expect(all).toHaveLength(6);
    for (const b of all) expect(b.ViewerProtocolPolicy, b.PathPattern).toBe('redirect-to-https');
    expect(distribution.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [logicalIdOf(console_().accessLogs), 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
  });
});

describe('the rewrite function', () => {
  it('runs on cloudfront-js-2.0 with the code tested here', () => {
    const fn = resourceOf(stateless, console_().rewrite).Properties;
    expect(fn.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(fn.FunctionCode).toBe(REWRITE_FUNCTION_CODE);
    expect(fn.AutoPublish).toBe(true);
  });

  it("serves the app's index.html for every page, its files and config.json as they are", () => {
    for (const uri of [
      '/console/',
      '/console/entitlements/C-123',
      '/console/certificates/LC-2026-000001',
      '/console/callback',
      '/customer/contact-id',
      '/customer/lifecycle/ACME%20Suite',
    ])
      expect(viewerRequest(uri).uri, uri).toBe('/console/index.html');
    for (const uri of [
      '/console/assets/index-3f2a.js',
      '/console/assets/fonts/a.woff2',
      '/console/config.json',
    ])
      expect(viewerRequest(uri).uri, uri).toBe(uri);
  });

  it('redirects /console to /console/', () => {
    expect(viewerRequest('/console')).toEqual({
      statusCode: 308,
      statusDescription: 'Permanent Redirect',
      headers: { location: { value: '/console/' } },
    });
  });
});

describe('the security headers', () => {
  const policyOf = (construct: Parameters<typeof logicalIdOf>[0]): Json =>
    resourcesOf(stateless, 'AWS::CloudFront::ResponseHeadersPolicy')[logicalIdOf(construct)]!.Properties
      .ResponseHeadersPolicyConfig;

  it("are the local stack's, with Cognito's origins (sign-in) and the imports bucket (uploads) allowed to connect to", () => {
    // One definition: what local/console.ts sends is lib/console-headers.ts's.
    expect(LOCAL_HEADERS).toEqual(CONSOLE_SECURITY_HEADERS);
    const identity = synth.stateful.identity;
    const expected = resolve(
      consoleContentSecurityPolicy([
        `https://cognito-idp.${synth.stateless.region}.${synth.stateless.urlSuffix}`,
        identity.domain.baseUrl(),
        `https://${synth.stateless.imports.bucket.bucketRegionalDomainName}`,
      ]),
    );
    for (const policy of [console_().pageHeaders, console_().assetHeaders]) {
      const headers = policyOf(policy).SecurityHeadersConfig;
      expect(headers.ContentSecurityPolicy).toEqual({ ContentSecurityPolicy: expected, Override: true });
      // Only connect-src differs from the local stack's policy.
      const [, parts] = headers.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Join'] as [
        string,
        unknown[],
      ];
      const text = parts.map((p) => (typeof p === 'string' ? p : 'X')).join('');
      const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0], d]));
      const local = directives(CONSOLE_SECURITY_HEADERS['content-security-policy']);
      const aws = directives(text);
      expect([...aws.keys()]).toEqual([...local.keys()]);
      for (const [name, directive] of local)
        if (name !== 'connect-src') expect(aws.get(name), name).toBe(directive);
      expect(aws.get('connect-src')).toBe(
        "connect-src 'self' https://cognito-idp.X.X https://X.auth.X.amazoncognito.com https://X",
      );
      expect(headers.ContentTypeOptions).toEqual({ Override: true });
      expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
      expect(headers.ReferrerPolicy).toEqual({
        ReferrerPolicy: CONSOLE_SECURITY_HEADERS['referrer-policy'],
        Override: true,
      });
    }
    // The identity pool's domain is the stateful stack's, imported.
    expect(JSON.stringify(expected)).toContain(
      JSON.stringify(synth.stateless.resolve(identity.domain.domainName)).slice(1, -1),
    );
  });

  it('add HSTS for two years with subdomains to every answer, the API’s included', () => {
    for (const policy of [console_().pageHeaders, console_().assetHeaders, console_().apiHeaders]) {
      const hsts = policyOf(policy).SecurityHeadersConfig.StrictTransportSecurity;
      expect(hsts.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(YEAR);
      expect(hsts.IncludeSubdomains).toBe(true);
      expect(hsts.Override).toBe(true);
    }
    expect(policyOf(console_().apiHeaders).SecurityHeadersConfig.ContentSecurityPolicy).toBeUndefined();
    expect(policyOf(console_().pageHeaders).CustomHeadersConfig.Items).toEqual([
      { Header: 'Cache-Control', Value: 'no-cache', Override: true },
    ]);
  });
});

describe('the deployment', () => {
  const deployment = (): Json => {
    const deployments = Object.values(resourcesOf(stateless, 'Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    return deployments[0]!.Properties;
  };

  it('copies the built app and config.json under console/, pruning the old build, and invalidates the pages', () => {
    const p = deployment();
    expect(p.DestinationBucketName).toEqual(ref(console_().bucket));
    expect(p.DestinationBucketKeyPrefix).toBe('console/');
    expect(p.Prune).toBe(true);
    expect(p.DistributionId).toEqual(ref(console_().distribution));
    expect(p.DistributionPaths).toEqual(['/console/index.html', '/console/config.json']);
    expect(p.SourceObjectKeys).toHaveLength(2);
  });

  it('writes config.json: the user pool as issuer, the console client, Cognito’s sign-out, the API on this origin', () => {
    const p = deployment();
    // Source.jsonData: a staged config.json whose deploy-time values are markers, resolved by the function.
    const staged = (p.SourceObjectKeys as string[])
      .map((key) => join(synth.assembly.directory, `asset.${key.replace(/\.zip$/, '')}`, 'config.json'))
      .filter((file) => existsSync(file));
    expect(staged).toHaveLength(1);
    let text = readFileSync(staged[0]!, 'utf8');
    for (const markers of p.SourceMarkers as Json[])
      for (const [marker, value] of Object.entries(markers))
        text = text.replaceAll(marker, `«${JSON.stringify(value).replaceAll('"', "'")}»`);
    const config = JSON.parse(text) as Json;
    expect(Object.keys(config).sort()).toEqual([
      'apiBase',
      'authority',
      'clientId',
      'localSignIn',
      'logoutUrl',
    ]);
    expect(config.localSignIn).toBe(false);
    expect(config.apiBase).toBe('');
    const marked = (value: unknown) => JSON.stringify(value).replace(/^"|"$/g, '').replaceAll('"', "'");
    // The issuer the API's authorizer checks, and the client made beside the distribution.
    const identity = synth.stateful.identity;
    expect(config.clientId).toBe(`«${marked(ref(identity.consoleClient))}»`);
    const issuer = resolve(identity.issuer)['Fn::Join'][1] as unknown[];
    expect(config.authority).toBe(
      issuer.map((part) => (typeof part === 'string' ? part : `«${marked(part)}»`)).join(''),
    );
    expect(importedValue(synth, issuer[3])).toEqual(ref(identity.userPool));
    expect(config.logoutUrl).toMatch(/^https:\/\/«.+».auth.«.+».amazoncognito.com\/logout$/);
    expect(config.logoutUrl).toContain(marked(resolve(identity.domain.domainName)));
  });

  it('refuses to synthesize without a built console, and says how to build it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'console-unbuilt-'));
    expect(() => buildService(testApp({ consoleDist: empty }))).toThrow(/npm run console:build/);
  });
});

describe('a custom domain (context consoleUrl and consoleCertificateArn)', () => {
  const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';

  it('answers to the URLs’ host with the certificate, TLS 1.2 at least over SNI, and signs in there too', () => {
    // Synthesized with cdk-nag and the Control Tower checks: none of the default certificate's acknowledgments is needed.
    const custom = synthService({
      consoleUrl: 'https://console.acme.example/',
      consoleCertificateArn: CERTIFICATE,
    });
    const config = resourceOf(custom.statelessTemplate, custom.stateless.console.distribution).Properties
      .DistributionConfig;
    expect(config.Aliases).toEqual(['console.acme.example']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: CERTIFICATE,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    const client = resourceOf(custom.statelessTemplate, custom.stateful.identity.consoleClient).Properties;
    expect(client.CallbackURLs).toEqual([
      custom.stateless.resolve(
        `https://${custom.stateless.console.distribution.distributionDomainName}/console/callback`,
      ),
      'https://console.acme.example/console/callback',
    ]);
    expect(client.LogoutURLs[1]).toBe('https://console.acme.example/console/');
  });

  it('takes only a us-east-1 certificate, and only with the URLs it is for', () => {
    expect(() => buildService(testApp({ consoleCertificateArn: CERTIFICATE }))).toThrow(/needs "consoleUrl"/);
    expect(() =>
      buildService(
        testApp({
          consoleUrl: 'https://console.acme.example/',
          consoleCertificateArn: CERTIFICATE.replace('us-east-1', 'eu-west-1'),
        }),
      ),
    ).toThrow(/us-east-1/);
  });
});

describe('sign-in at the distribution', () => {
  it("gives the console client the distribution's /console/callback and /console/ (no other origin without context)", () => {
    const client = resourceOf(stateless, synth.stateful.identity.consoleClient).Properties;
    const origin = `https://${console_().distribution.distributionDomainName}`;
    expect(client.CallbackURLs).toEqual([resolve(`${origin}/console/callback`)]);
    expect(client.LogoutURLs).toEqual([resolve(`${origin}/console/`)]);
    expect(JSON.stringify(client.CallbackURLs)).toContain(
      JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(console_().distribution), 'DomainName'] }),
    );
  });

  it('outputs the console URL', () => {
    const outputs = stateless.toJSON().Outputs as Json;
    expect(outputs.ConsoleUrl.Value).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [logicalIdOf(console_().distribution), 'DomainName'] }, '/console/'],
      ],
    });
  });
});
