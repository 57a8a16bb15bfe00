/**
 * The secret that signs renewal reminders' unsubscribe links (functions/core/unsubscribe.ts):
 * a Secrets Manager secret CloudFormation generates, so no person ever sees or types it. The
 * functions that sign or verify links get it as UNSUBSCRIBE_SECRET through a CloudFormation
 * dynamic reference, resolved at deploy: the runtime has no Secrets Manager client to fetch it
 * at cold start (none is bundled, and one would add ~100 ms to it). The value is therefore in
 * the functions' configuration, readable by whoever may call lambda:GetFunctionConfiguration.
 * It is not rotated: a rotation would break every link already sent (they fail closed: a 400
 * and a page that asks for the latest reminder's link).
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { serviceName } from '../config.ts';
import type { ServiceFunction } from './service-function.ts';

export interface UnsubscribeSigningProps {
  stage: string;
}

export class UnsubscribeSigning extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: UnsubscribeSigningProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      secretName: `${serviceName(props.stage)}-unsubscribe-signing`,
      description: 'Signs the unsubscribe links of renewal reminders (HMAC-SHA256)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Links already sent stay valid across a stack replacement only if the secret does.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // cdk-nag names no finding for this rule: the whole rule, on this secret only.
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'Not rotated: it signs unsubscribe links already in customers’ mailboxes (valid 400 days); a rotation would make every one of them fail. Replace it deliberately, knowing those links then answer 400.',
    });
  }

  /** UNSUBSCRIBE_SECRET and UNSUBSCRIBE_BASE_URL (the API's URL the links point at) for `fn`. */
  bind(fn: ServiceFunction, baseUrl: string): void {
    fn.addConfig('unsubscribe', { secret: this.secret.secretValue.unsafeUnwrap(), baseUrl });
  }
}
