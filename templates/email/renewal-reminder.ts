/**
 * Renewal reminder — one email per recipient per day, listing every certificate due that
 * day: which contract, which products, when it ends (`when`, written in the recipient's
 * language by functions/core/wording.ts), how to renew, and how to stop these reminders.
 */
import type { Language } from '../../functions/core/identifiers.ts';
import { button, type EmailSource, page, paragraph } from './mjml/layout.ts';

interface Words {
  subject: string;
  greeting: string;
  intro: string;
  certificate: string;
  renew: string;
  reseller: string;
  footer: string;
  unsubscribe: string;
}

const WORDS: Record<Language, Words> = {
  en: {
    subject: 'Renewal reminder: support contracts to renew ({{count}})',
    greeting: 'Hello {{contactName}},',
    intro: 'Technical support and access to new versions last only while your support contract is renewed:',
    certificate: 'Certificate',
    renew: 'Renew your support contract',
    reseller: 'You can also renew with your reseller.',
    footer: 'You receive this reminder as a technical contact on these certificates.',
    unsubscribe: 'Stop renewal reminders for this address',
  },
  fr: {
    subject: 'Rappel de renouvellement : contrats de support à renouveler ({{count}})',
    greeting: 'Bonjour {{contactName}},',
    intro:
      "Le support technique et l'accès aux nouvelles versions ne durent que tant que votre contrat de support est renouvelé :",
    certificate: 'Certificat',
    renew: 'Renouveler votre contrat de support',
    reseller: 'Vous pouvez aussi renouveler auprès de votre revendeur.',
    footer: 'Vous recevez ce rappel en tant que contact technique de ces certificats.',
    unsubscribe: 'Ne plus recevoir de rappels de renouvellement à cette adresse',
  },
  de: {
    subject: 'Erinnerung: Supportverträge zu verlängern ({{count}})',
    greeting: 'Guten Tag {{contactName}},',
    intro:
      'Technischer Support und Zugang zu neuen Versionen bestehen nur, solange Ihr Supportvertrag verlängert wird:',
    certificate: 'Zertifikat',
    renew: 'Ihren Supportvertrag verlängern',
    reseller: 'Sie können auch bei Ihrem Händler verlängern.',
    footer: 'Sie erhalten diese Erinnerung als technischer Ansprechpartner für diese Zertifikate.',
    unsubscribe: 'Keine Verlängerungserinnerungen mehr an diese Adresse senden',
  },
  it: {
    subject: 'Promemoria: contratti di assistenza da rinnovare ({{count}})',
    greeting: 'Gentile {{contactName}},',
    intro:
      'L’assistenza tecnica e l’accesso alle nuove versioni durano solo finché il contratto di assistenza viene rinnovato:',
    certificate: 'Certificato',
    renew: 'Rinnovi il suo contratto di assistenza',
    reseller: 'Può rinnovare anche presso il suo rivenditore.',
    footer: 'Riceve questo promemoria in quanto referente tecnico di questi certificati.',
    unsubscribe: 'Non inviare più promemoria di rinnovo a questo indirizzo',
  },
  es: {
    subject: 'Recordatorio: contratos de soporte por renovar ({{count}})',
    greeting: 'Hola, {{contactName}}:',
    intro:
      'El soporte técnico y el acceso a nuevas versiones solo se mantienen mientras se renueve su contrato de soporte:',
    certificate: 'Certificado',
    renew: 'Renovar su contrato de soporte',
    reseller: 'También puede renovar con su distribuidor.',
    footer: 'Recibe este recordatorio como contacto técnico de estos certificados.',
    unsubscribe: 'Dejar de enviar recordatorios de renovación a esta dirección',
  },
  ru: {
    subject: 'Напоминание: договоры поддержки к продлению ({{count}})',
    greeting: 'Здравствуйте, {{contactName}}!',
    intro:
      'Техническая поддержка и доступ к новым версиям сохраняются, только пока договор поддержки продлевается:',
    certificate: 'Сертификат',
    renew: 'Продлить договор поддержки',
    reseller: 'Продлить договор можно и у вашего партнёра.',
    footer: 'Вы получили это напоминание как технический контакт по этим сертификатам.',
    unsubscribe: 'Больше не присылать напоминания о продлении на этот адрес',
  },
};

export const renewalReminder: EmailSource[] = (Object.keys(WORDS) as Language[]).map((language) => {
  const w = WORDS[language];
  return {
    template: 'RenewalReminder',
    language,
    subject: w.subject,
    text: `${w.greeting}

${w.intro}
{{#each certificates}}  - ${w.certificate} {{certificateNumber}}: {{products}} — {{when}}
{{/each}}
${w.renew}: {{renewUrl}}
${w.reseller}

${w.footer}
${w.unsubscribe}: {{unsubscribeUrl}}`,
    mjml: page({
      language,
      preview: w.intro,
      body: [
        paragraph(w.greeting),
        paragraph(w.intro),
        // One block per certificate, stacked: it reads the same on a phone as on a desktop.
        `<mj-table>{{#each certificates}}<tr><td style="padding:8px 0;border-top:1px solid #e3e6ea"><b>${w.certificate} {{certificateNumber}}</b><br />{{products}}<br /><span style="color:#555555">{{when}}</span></td></tr>{{/each}}</mj-table>`,
        button('renewUrl', w.renew),
        paragraph(w.reseller),
      ],
      footer: [w.footer, `<a href="{{unsubscribeUrl}}" style="color:#666666">${w.unsubscribe}</a>`],
    }),
  };
});
