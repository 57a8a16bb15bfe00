import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { templateName } from '../../functions/adapters/mailer.ts';
import { projectionOf, TABLE_DESIGN } from '../../functions/adapters/table-design.ts';
import { TIME_TO_LIVE_ATTRIBUTE } from '../../lib/stateful-stack.ts';
import { EMAIL_TEMPLATES } from '../../templates/email/index.ts';
import { type Json, resourceOf, resourcesOf, type Synthesized, synthService, TEST_STAGE } from './synth.ts';

let synth: Synthesized;
let stateful: Template;
beforeAll(() => {
  synth = synthService();
  stateful = synth.statefulTemplate;
});

describe('the table', () => {
  const table = (): Json => {
    const tables = Object.values(resourcesOf(stateful, 'AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(1);
    return tables[0]!;
  };

  it('has the string keys of TABLE_DESIGN and its four indexes, each with its projection', () => {
    const { Properties } = table();
    expect(Properties.KeySchema).toEqual([
      { AttributeName: TABLE_DESIGN.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_DESIGN.sortKey, KeyType: 'RANGE' },
    ]);
    for (const name of ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK'])
      expect(Properties.AttributeDefinitions).toContainEqual({ AttributeName: name, AttributeType: 'S' });
    const indexes = Object.fromEntries(
      (Properties.GlobalSecondaryIndexes as Json[]).map((i) => [i.IndexName, i]),
    );
    expect(Object.keys(indexes).sort()).toEqual(['ByProduct', 'DueByDate', 'Lookup', 'PendingNotices']);
    for (const index of Object.values(TABLE_DESIGN.indexes)) {
      expect(indexes[index.indexName]).toEqual({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: projectionOf(index) },
      });
    }
    // The re-driver needs only the keys: the index key names the notice, the item key is where it lives.
    expect(indexes.PendingNotices.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
  });

  it('bills on demand, with point-in-time recovery, deletion protection and KMS encryption', () => {
    const { Properties } = table();
    expect(Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Properties.ProvisionedThroughput).toBeUndefined();
    expect(Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(Properties.DeletionProtectionEnabled).toBe(true);
    // SSEEnabled: KMS with the AWS managed key (aws/dynamodb) instead of the DynamoDB-owned key.
    expect(Properties.SSESpecification).toMatchObject({ SSEEnabled: true });
    // New images only: the domain-event publisher reads the outbox items (lib/constructs/domain-events.ts).
    expect(Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
  });

  it('deletes items past their `expiresAt` (epoch seconds): the TTL the self-service rate counter uses', () => {
    expect(TIME_TO_LIVE_ATTRIBUTE).toBe('expiresAt');
    expect(table().Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    // Not a key of the table or an index: any item may carry it.
    expect((table().Properties.AttributeDefinitions as Json[]).map((a) => a.AttributeName)).not.toContain(
      'expiresAt',
    );
  });

  it('is retained when removed from the stack or replaced', () => {
    const resource = table();
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('SES', () => {
  const prefix = `Entitlements-${TEST_STAGE}-`;

  it('has one template per (template, language), each with a subject, a text and an HTML part', () => {
    const templates = Object.values(resourcesOf(stateful, 'AWS::SES::Template')).map(
      (t) => t.Properties.Template as Json,
    );
    expect(templates).toHaveLength(EMAIL_TEMPLATES.length);
    for (const t of EMAIL_TEMPLATES) {
      const deployed = templates.find((d) => d.TemplateName === templateName(prefix, t.template, t.language));
      expect(deployed, `${t.template}-${t.language}`).toBeDefined();
      expect(deployed).toEqual({
        TemplateName: `${prefix}${t.template}-${t.language}`,
        SubjectPart: t.subject,
        TextPart: t.text,
        HtmlPart: t.html,
      });
      expect(deployed!.HtmlPart).toMatch(/<html/i);
      expect(deployed!.TextPart.length).toBeGreaterThan(0);
    }
  });

  it('covers at least en, fr and ru for every template', () => {
    for (const template of new Set(EMAIL_TEMPLATES.map((t) => t.template)))
      for (const language of ['en', 'fr', 'ru'])
        stateful.hasResourceProperties('AWS::SES::Template', {
          Template: Match.objectLike({ TemplateName: templateName(prefix, template, language) }),
        });
  });

  it('has a configuration set that requires TLS and suppresses bounces and complaints', () => {
    stateful.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    stateful.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: `Entitlements-${TEST_STAGE}`,
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('leaves the sender identity to be verified out of band unless asked', () => {
    stateful.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });

  it('hands the prefix and configuration set to the functions that send', () => {
    const sendNotice = synth.stateless.workflows.functions.SendNotice.function;
    const env = resourceOf(synth.statelessTemplate, sendNotice).Properties.Environment.Variables as Json;
    expect(env.EMAIL_TEMPLATE_PREFIX).toBe(prefix);
    expect(env.SENDER_ADDRESS).toBe('support-licensing@example.com');
    // The configuration set's name comes from the stateful stack's export.
    expect(env.CONFIGURATION_SET_NAME).toEqual({
      'Fn::ImportValue': expect.stringContaining('ConfigurationSet'),
    });
  });
});
