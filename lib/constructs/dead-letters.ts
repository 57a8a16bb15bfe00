/**
 * A dead-letter queue for what a schedule could not deliver after its retries, with the
 * alarm that tells operators a message is waiting there: one never exists without the other.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeGuard } from './guard.ts';
import type { OperationsAlerts } from './operations-alerts.ts';

export interface DeadLettersProps {
  alerts: OperationsAlerts;
  /** Why the queue has no dead-letter queue of its own: who consumes it. */
  reason: string;
  /** What a message waiting in it means, and what to do: the alarm's description. */
  alarmDescription: string;
}

/** `DeadLetters` and `DeadLettersAlarm` in `scope`. */
export function deadLetterQueue(scope: Construct, props: DeadLettersProps): Queue {
  const queue = new Queue(scope, 'DeadLetters', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  // A dead-letter queue has no dead-letter queue of its own.
  Validations.of(queue).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason: props.reason });
  acknowledgeGuard(queue, 'sqs_dlq_check', props.reason);
  props.alerts.whenAny(
    scope,
    'DeadLettersAlarm',
    queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
    props.alarmDescription,
  );
  return queue;
}
