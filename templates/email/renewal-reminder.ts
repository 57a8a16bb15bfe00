/**
 * Renewal reminder — one email per recipient per day, listing every certificate due that
 * day: which contract, which products, when it ends, and how to renew.
 */
import type { EmailTemplate } from './index.ts';

interface Words {
  subject: string;
  greeting: string;
  intro: string;
  certificate: string;
  renew: string;
  footer: string;
}

const text = (w: Words) => `${w.greeting}

${w.intro}
{{#each certificates}}  - ${w.certificate} {{certificateNumber}}: {{products}} — {{when}}
{{/each}}
${w.renew} {{renewUrl}}

${w.footer}`;

const html = (w: Words) =>
  `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1a1a1a">
<p>${w.greeting}</p>
<p>${w.intro}</p>
<table style="border-collapse:collapse">{{#each certificates}}<tr><td style="padding:4px 12px 4px 0"><b>${w.certificate} {{certificateNumber}}</b></td><td style="padding:4px 12px 4px 0">{{products}}</td><td style="padding:4px 0">{{when}}</td></tr>{{/each}}</table>
<p><a href="{{renewUrl}}" style="background:#0b5cad;color:#fff;padding:8px 14px;text-decoration:none;border-radius:4px">${w.renew}</a></p>
<p style="color:#666;font-size:12px">${w.footer}</p>
</body></html>`;

const WORDS: Record<'en' | 'fr' | 'ru', Words> = {
  en: {
    subject: 'Renewal reminder: {{count}} support contract(s) to renew',
    greeting: 'Hello {{contactName}},',
    intro: 'Technical support and access to new versions last only while your support contract is renewed:',
    certificate: 'Certificate',
    renew: 'Renew with your reseller or at',
    footer: 'You receive this reminder as a designated contact on these certificates.',
  },
  fr: {
    subject: 'Rappel de renouvellement : {{count}} contrat(s) de support à renouveler',
    greeting: 'Bonjour {{contactName}},',
    intro:
      "Le support technique et l'accès aux nouvelles versions ne durent que tant que votre contrat de support est renouvelé :",
    certificate: 'Certificat',
    renew: 'Renouvelez auprès de votre revendeur ou sur',
    footer: 'Vous recevez ce rappel en tant que contact désigné sur ces certificats.',
  },
  ru: {
    subject: 'Напоминание о продлении: договоров поддержки к продлению — {{count}}',
    greeting: 'Здравствуйте, {{contactName}}!',
    intro:
      'Техническая поддержка и доступ к новым версиям сохраняются, только пока договор поддержки продлевается:',
    certificate: 'Сертификат',
    renew: 'Продлите у вашего партнёра или на',
    footer: 'Вы получили это напоминание как контактное лицо по этим сертификатам.',
  },
};

export const renewalReminder: EmailTemplate[] = (Object.keys(WORDS) as Array<keyof typeof WORDS>).map(
  (language) => ({
    template: 'RenewalReminder',
    language,
    subject: WORDS[language].subject,
    text: text(WORDS[language]),
    html: html(WORDS[language]),
  }),
);
