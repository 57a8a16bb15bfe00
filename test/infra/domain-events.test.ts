/** CDK assertions for domain events: the table's stream → PublishDomainEvents (filtered, retried, DLQ) → the stage's bus, archived. */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allows,
  type Json,
  logicalIdOf,
  resourceOf,
  resourcesOf,
  type Synthesized,
  statementsOfRole,
  synthService,
} from './synth.ts';

let synth: Synthesized;
let stateless: Template;
let publisher: string;
let queue: string;
let bus: string;
beforeAll(() => {
  synth = synthService();
  stateless = synth.statelessTemplate;
  publisher = logicalIdOf(synth.stateless.domainEvents.publisher.function);
  queue = logicalIdOf(synth.stateless.domainEvents.deadLetters);
  bus = logicalIdOf(synth.stateless.domainEvents.bus);
});

describe('domain events', () => {
  it('the table streams new images', () => {
    const tables = Object.values(resourcesOf(synth.statefulTemplate, 'AWS::DynamoDB::Table'));
    expect(tables.map((t) => t.Properties.StreamSpecification)).toEqual([{ StreamViewType: 'NEW_IMAGE' }]);
  });

  it('the stage has its own bus, archived for replay', () => {
    const { Properties: p } = resourcesOf(stateless, 'AWS::Events::EventBus')[bus]!;
    expect(p.Name).toBe('Entitlements-test-events');
    const archives = Object.values(resourcesOf(stateless, 'AWS::Events::Archive'));
    expect(archives).toHaveLength(1);
    expect(archives[0]!.Properties.SourceArn).toEqual({ 'Fn::GetAtt': [bus, 'Arn'] });
    expect(archives[0]!.Properties.EventPattern).toEqual({ source: ['entitlements'] });
    expect(archives[0]!.Properties.RetentionDays).toBe(365);
  });

  it('the stream feeds PublishDomainEvents: new outbox items and decisions only, bisected, retried, then a dead-letter queue', () => {
    const mappings = Object.values(resourcesOf(stateless, 'AWS::Lambda::EventSourceMapping')).filter(
      (m: Json) => JSON.stringify(m.Properties.FunctionName).includes(publisher),
    );
    expect(mappings).toHaveLength(1);
    const { Properties: p } = mappings[0]!;
    expect(JSON.stringify(p.EventSourceArn)).toContain('StreamArn');
    expect(p.StartingPosition).toBe('TRIM_HORIZON');
    expect(p.BisectBatchOnFunctionError).toBe(true);
    expect(p.MaximumRetryAttempts).toBe(20);
    expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(p.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': [queue, 'Arn'] });
    const filter = JSON.parse(p.FilterCriteria.Filters[0].Pattern);
    expect(filter).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { type: { S: ['OutboxEvent', 'UpgradeDecision'] } } },
    });
  });

  it('PublishDomainEvents may put events on its bus only, and reads no table item', () => {
    const fn = synth.stateless.domainEvents.publisher;
    const statements = statementsOfRole(stateless, logicalIdOf(fn.role));
    expect(allows(statements, 'events:PutEvents', { 'Fn::GetAtt': [bus, 'Arn'] })).toBe(true);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('dynamodb:GetItem');
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(resourceOf(stateless, fn.function).Properties.Environment.Variables.EVENT_BUS_NAME).toEqual({
      Ref: bus,
    });
  });

  it('alarms on a dead letter, on errors and on a publisher an hour behind, through the operations topic', () => {
    const alarms = Object.values(resourcesOf(stateless, 'AWS::CloudWatch::Alarm')).map(
      (a: Json) => a.Properties,
    );
    const found = [
      alarms.find(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Dimensions).includes(`"${queue}"`),
      ),
      alarms.find(
        (a) => a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes(`"${publisher}"`),
      ),
      alarms.find(
        (a) => a.MetricName === 'IteratorAge' && JSON.stringify(a.Dimensions).includes(`"${publisher}"`),
      ),
    ];
    for (const alarm of found) {
      expect(alarm).toBeDefined();
      expect(alarm.AlarmActions[0]['Fn::ImportValue']).toMatch(/OperationsAlertsTopic/);
    }
  });
});
