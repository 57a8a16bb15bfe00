/**
 * "Your Contact ID" — sent once to each contact when their Contact ID is issued (and again on a
 * resend): `ContactIdIssued` to the primary technical contact, listing every product on the
 * certificate; `DesignatedContactIdIssued` to a designated contact, listing only theirs.
 * SES renders these (Handlebars) and escapes nothing, not even in the HTML part: the HTML
 * part reads HTML-escaped copies of the values (`{{html.x}}`, see index.ts).
 */
import type { EmailTemplate } from './index.ts';

const productsText = '{{#each products}}  - {{product}} {{version}} (serial {{serialNumber}})\n{{/each}}';
const productsHtml =
  '<ul>{{#each products}}<li>{{product}} {{version}} — serial <code>{{serialNumber}}</code></li>{{/each}}</ul>';

const html = (lines: {
  greeting: string;
  intro: string;
  keep: string;
  covers: string;
  term: string;
  footer: string;
}) =>
  `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1a1a1a">
<p>${lines.greeting}</p>
<p>${lines.intro}</p>
<p style="font-size:28px;letter-spacing:3px;font-weight:bold;font-family:monospace">{{contactId}}</p>
<p>${lines.keep}</p>
<p>${lines.covers}</p>${productsHtml}
<p>${lines.term}</p>
<p style="color:#666;font-size:12px">${lines.footer}</p>
</body></html>`;

export const contactIdIssued: EmailTemplate[] = [
  {
    template: 'ContactIdIssued',
    language: 'en',
    subject: 'Your Contact ID for certificate {{certificateNumber}}',
    text: `Hello {{contactName}},

Your Contact ID for technical support is: {{contactId}}

Keep it: you need it to open cases by phone and to submit samples.
Certificate {{certificateNumber}} (sales order {{salesOrderNumber}}, {{companyName}}) covers:
${productsText}
Support term: {{termStart}} to {{termEnd}} ({{tier}}).

This message was sent because you are the primary technical contact on this certificate.`,
    html: html({
      greeting: 'Hello {{contactName}},',
      intro: 'Your Contact ID for technical support is:',
      keep: 'Keep it: you need it to open cases by phone and to submit samples.',
      covers:
        'Certificate <b>{{certificateNumber}}</b> (sales order {{salesOrderNumber}}, {{companyName}}) covers:',
      term: 'Support term: {{termStart}} to {{termEnd}} ({{tier}}).',
      footer: 'This message was sent because you are the primary technical contact on this certificate.',
    }),
  },
  {
    template: 'ContactIdIssued',
    language: 'fr',
    subject: 'Votre Contact ID pour le certificat {{certificateNumber}}',
    text: `Bonjour {{contactName}},

Votre Contact ID pour le support technique est : {{contactId}}

Conservez-le : il vous sera demandé pour ouvrir un incident par téléphone et pour soumettre des échantillons.
Le certificat {{certificateNumber}} (commande {{salesOrderNumber}}, {{companyName}}) couvre :
${productsText}
Période de support : du {{termStart}} au {{termEnd}} ({{tier}}).

Vous recevez ce message en tant que contact technique principal de ce certificat.`,
    html: html({
      greeting: 'Bonjour {{contactName}},',
      intro: 'Votre Contact ID pour le support technique est :',
      keep: 'Conservez-le : il vous sera demandé pour ouvrir un incident par téléphone et pour soumettre des échantillons.',
      covers:
        'Le certificat <b>{{certificateNumber}}</b> (commande {{salesOrderNumber}}, {{companyName}}) couvre :',
      term: 'Période de support : du {{termStart}} au {{termEnd}} ({{tier}}).',
      footer: 'Vous recevez ce message en tant que contact technique principal de ce certificat.',
    }),
  },
  {
    template: 'ContactIdIssued',
    language: 'ru',
    subject: 'Ваш Contact ID для сертификата {{certificateNumber}}',
    text: `Здравствуйте, {{contactName}}!

Ваш Contact ID для обращения в техническую поддержку: {{contactId}}

Сохраните его: он нужен для регистрации обращений по телефону и для отправки образцов.
Сертификат {{certificateNumber}} (заказ {{salesOrderNumber}}, {{companyName}}) распространяется на:
${productsText}
Срок поддержки: с {{termStart}} по {{termEnd}} ({{tier}}).

Вы получили это письмо как основной технический контакт по этому сертификату.`,
    html: html({
      greeting: 'Здравствуйте, {{contactName}}!',
      intro: 'Ваш Contact ID для обращения в техническую поддержку:',
      keep: 'Сохраните его: он нужен для регистрации обращений по телефону и для отправки образцов.',
      covers:
        'Сертификат <b>{{certificateNumber}}</b> (заказ {{salesOrderNumber}}, {{companyName}}) распространяется на:',
      term: 'Срок поддержки: с {{termStart}} по {{termEnd}} ({{tier}}).',
      footer: 'Вы получили это письмо как основной технический контакт по этому сертификату.',
    }),
  },
];

/** A designated contact's Contact ID: it says designated, and the list holds only its products. */
export const designatedContactIdIssued: EmailTemplate[] = [
  {
    template: 'DesignatedContactIdIssued',
    language: 'en',
    subject: 'Your Contact ID for certificate {{certificateNumber}}',
    text: `Hello {{contactName}},

Your Contact ID for technical support is: {{contactId}}

Keep it: you need it to open cases by phone and to submit samples.
You are a designated technical contact on certificate {{certificateNumber}} (sales order {{salesOrderNumber}}, {{companyName}}) for:
${productsText}
Support term: {{termStart}} to {{termEnd}} ({{tier}}).

This message was sent because you were named a designated technical contact on this certificate.`,
    html: html({
      greeting: 'Hello {{contactName}},',
      intro: 'Your Contact ID for technical support is:',
      keep: 'Keep it: you need it to open cases by phone and to submit samples.',
      covers:
        'You are a designated technical contact on certificate <b>{{certificateNumber}}</b> (sales order {{salesOrderNumber}}, {{companyName}}) for:',
      term: 'Support term: {{termStart}} to {{termEnd}} ({{tier}}).',
      footer:
        'This message was sent because you were named a designated technical contact on this certificate.',
    }),
  },
  {
    template: 'DesignatedContactIdIssued',
    language: 'fr',
    subject: 'Votre Contact ID pour le certificat {{certificateNumber}}',
    text: `Bonjour {{contactName}},

Votre Contact ID pour le support technique est : {{contactId}}

Conservez-le : il vous sera demandé pour ouvrir un incident par téléphone et pour soumettre des échantillons.
Vous êtes interlocuteur désigné pour le support du certificat {{certificateNumber}} (commande {{salesOrderNumber}}, {{companyName}}) pour :
${productsText}
Période de support : du {{termStart}} au {{termEnd}} ({{tier}}).

Vous recevez ce message car vous avez été désigné interlocuteur pour le support de ce certificat.`,
    html: html({
      greeting: 'Bonjour {{contactName}},',
      intro: 'Votre Contact ID pour le support technique est :',
      keep: 'Conservez-le : il vous sera demandé pour ouvrir un incident par téléphone et pour soumettre des échantillons.',
      covers:
        'Vous êtes interlocuteur désigné pour le support du certificat <b>{{certificateNumber}}</b> (commande {{salesOrderNumber}}, {{companyName}}) pour :',
      term: 'Période de support : du {{termStart}} au {{termEnd}} ({{tier}}).',
      footer:
        'Vous recevez ce message car vous avez été désigné interlocuteur pour le support de ce certificat.',
    }),
  },
  {
    template: 'DesignatedContactIdIssued',
    language: 'ru',
    subject: 'Ваш Contact ID для сертификата {{certificateNumber}}',
    text: `Здравствуйте, {{contactName}}!

Ваш Contact ID для обращения в техническую поддержку: {{contactId}}

Сохраните его: он нужен для регистрации обращений по телефону и для отправки образцов.
Вы назначены контактным лицом для обращений по сертификату {{certificateNumber}} (заказ {{salesOrderNumber}}, {{companyName}}) по следующим продуктам:
${productsText}
Срок поддержки: с {{termStart}} по {{termEnd}} ({{tier}}).

Вы получили это письмо, так как вас назначили контактным лицом для обращений по этому сертификату.`,
    html: html({
      greeting: 'Здравствуйте, {{contactName}}!',
      intro: 'Ваш Contact ID для обращения в техническую поддержку:',
      keep: 'Сохраните его: он нужен для регистрации обращений по телефону и для отправки образцов.',
      covers:
        'Вы назначены контактным лицом для обращений по сертификату <b>{{certificateNumber}}</b> (заказ {{salesOrderNumber}}, {{companyName}}) по следующим продуктам:',
      term: 'Срок поддержки: с {{termStart}} по {{termEnd}} ({{tier}}).',
      footer:
        'Вы получили это письмо, так как вас назначили контактным лицом для обращений по этому сертификату.',
    }),
  },
];
