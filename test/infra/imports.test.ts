/** CDK assertions for imports through S3: the bucket, the upload rule that starts import-registrations, and who may touch which files. */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Json,
  logicalIdOf,
  resourcesOf,
  type Synthesized,
  statementsOfRole,
  synthService,
} from './synth.ts';

let stateless: Template;
let synth: Synthesized;
let bucket: string;
beforeAll(() => {
  synth = synthService();
  stateless = synth.statelessTemplate;
  bucket = logicalIdOf(synth.stateless.imports.bucket);
});

const actionsOn = (statements: Json[], pattern: string) =>
  statements
    .filter(
      (s) => JSON.stringify(s.Resource).includes(bucket) && JSON.stringify(s.Resource).includes(pattern),
    )
    .flatMap((s) => [s.Action].flat())
    .sort();

describe('the imports bucket', () => {
  it('is private, TLS only, KMS-encrypted, versioned, logged, tells EventBridge, and expires its files after 30 days', () => {
    const { Properties: p } = resourcesOf(stateless, 'AWS::S3::Bucket')[bucket]!;
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(
      p.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm,
    ).toBe('aws:kms');
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    expect(p.LoggingConfiguration.DestinationBucketName).toEqual({
      Ref: logicalIdOf(synth.stateless.imports.accessLogs),
    });
    expect(p.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: 30, Status: 'Enabled' });
    const policies = Object.values(resourcesOf(stateless, 'AWS::S3::BucketPolicy')).filter(
      (b) => JSON.stringify(b.Properties.Bucket) === JSON.stringify({ Ref: bucket }),
    );
    const statements = policies.flatMap((b) => b.Properties.PolicyDocument.Statement as Json[]);
    expect(
      statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
    ).toBe(true);
  });

  it('lets the console upload and read reports from the browser at presigned URLs (PUT and GET, CORS)', () => {
    const { Properties: p } = resourcesOf(stateless, 'AWS::S3::Bucket')[bucket]!;
    expect(p.CorsConfiguration.CorsRules).toEqual([
      {
        AllowedMethods: ['PUT', 'GET'],
        AllowedOrigins: ['*'],
        AllowedHeaders: ['content-type'],
        MaxAge: 3000,
      },
    ]);
  });

  it('an upload of imports/<id>/input.csv starts import-registrations with its bucket and key, retried into a dead-letter queue', () => {
    const machine = logicalIdOf(synth.stateless.workflows.stateMachines.ImportRegistrations);
    const rules = Object.values(resourcesOf(stateless, 'AWS::Events::Rule')).filter((r) =>
      (r.Properties.Targets ?? []).some(
        (t: Json) => JSON.stringify(t.Arn) === JSON.stringify({ Ref: machine }),
      ),
    );
    expect(rules).toHaveLength(1);
    const { Properties: p } = rules[0]!;
    expect(p.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [{ Ref: bucket }] }, object: { key: [{ wildcard: 'imports/*/input.csv' }] } },
    });
    const [target] = p.Targets;
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 });
    expect(target.DeadLetterConfig.Arn).toEqual({
      'Fn::GetAtt': [logicalIdOf(synth.stateless.imports.deadLetters!), 'Arn'],
    });
    expect(target.InputTransformer.InputTemplate).toContain('"key":<detail-object-key>');
  });

  it('grants each function only the import files its part needs', () => {
    const role = (fn: { role: unknown }) => logicalIdOf(fn.role as never);
    const { functions } = synth.stateless.httpApi;
    expect(actionsOn(statementsOfRole(stateless, role(functions.PostImport!)), '/input.csv')).toEqual([
      's3:PutObject',
    ]);
    expect(actionsOn(statementsOfRole(stateless, role(functions.GetImport!)), '/report.csv')).toEqual([
      's3:GetObject',
    ]);
    expect(actionsOn(statementsOfRole(stateless, role(functions.GetImport!)), '/input.csv')).toEqual([]);
    const tasks = synth.stateless.workflows.functions;
    expect(actionsOn(statementsOfRole(stateless, role(tasks.PrepareImport)), '/imports/*')).toEqual([
      's3:GetObject',
      's3:PutObject',
    ]);
    expect(actionsOn(statementsOfRole(stateless, role(tasks.ImportRegistrationsBatch)), 'imports')).toEqual(
      [],
    );
  });
});
