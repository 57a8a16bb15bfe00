/**
 * SES for the service: a configuration set every send goes through, one SES template
 * per (template, language) of templates/email, and optionally the sender's domain identity.
 */
import {
  CfnTemplate,
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { templateName } from '../../functions/adapters/mailer.ts';
import { EMAIL_TEMPLATES } from '../../templates/email/index.ts';
import { senderDomain } from '../config.ts';

export interface EmailProps {
  /** Account-wide names: every template name starts with it, e.g. `Entitlements-dev-`. */
  templatePrefix: string;
  configurationSetName: string;
  senderAddress: string;
  createSenderIdentity: boolean;
}

/** What a function needs to send: handed to the stateless stack. */
export interface EmailResources {
  senderAddress: string;
  templatePrefix: string;
  templateNames: readonly string[];
  configurationSetName: string;
}

export class Email extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly templates: readonly CfnTemplate[];
  readonly resources: EmailResources;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: props.configurationSetName,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });

    this.templates = EMAIL_TEMPLATES.map(
      (t) =>
        new CfnTemplate(this, `Template-${t.template}-${t.language}`, {
          template: {
            templateName: templateName(props.templatePrefix, t.template, t.language),
            subjectPart: t.subject,
            textPart: t.text,
            htmlPart: t.html,
          },
        }),
    );

    if (props.createSenderIdentity)
      new EmailIdentity(this, 'SenderDomain', {
        identity: Identity.domain(senderDomain(props.senderAddress)),
        configurationSet: this.configurationSet,
      });

    this.resources = {
      senderAddress: props.senderAddress,
      templatePrefix: props.templatePrefix,
      templateNames: EMAIL_TEMPLATES.map((t) => templateName(props.templatePrefix, t.template, t.language)),
      configurationSetName: this.configurationSet.configurationSetName,
    };
  }
}
