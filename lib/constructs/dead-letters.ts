/** A dead-letter queue for schedules whose target could not be reached after its retries. */
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeGuard } from './guard.ts';

export function deadLetterQueue(scope: Construct, reason: string): Queue {
  const queue = new Queue(scope, 'DeadLetters', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  // A dead-letter queue has no dead-letter queue of its own.
  Validations.of(queue).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason });
  acknowledgeGuard(queue, 'sqs_dlq_check', reason);
  return queue;
}
