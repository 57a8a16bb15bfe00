/**
 * "Your Contact ID" — sent once to each contact when their Contact ID is issued (and again on a
 * resend): `ContactIdIssued` to the primary technical contact, listing every product on the
 * certificate; `DesignatedContactIdIssued` to a designated contact, listing only theirs.
 * Both give the support phone and portal of the certificate's country.
 */
import type { Language } from '../../functions/core/identifiers.ts';
import { button, type EmailSource, page, paragraph } from './mjml/layout.ts';

interface Words {
  subject: string;
  greeting: string;
  intro: string;
  keep: string;
  covers: string;
  coversDesignated: string;
  serial: string;
  term: string;
  call: string;
  portal: string;
  footer: string;
  footerDesignated: string;
}

const WORDS: Record<Language, Words> = {
  en: {
    subject: 'Your Contact ID for certificate {{certificateNumber}}',
    greeting: 'Hello {{contactName}},',
    intro: 'Your Contact ID for technical support is:',
    keep: 'Keep it: you need it to open cases by phone and to submit samples.',
    covers: 'Certificate {{certificateNumber}} (sales order {{salesOrderNumber}}, {{companyName}}) covers:',
    coversDesignated:
      'You are a designated technical contact on certificate {{certificateNumber}} (sales order {{salesOrderNumber}}, {{companyName}}) for:',
    serial: 'serial number',
    term: 'Support term: {{termStartOn}} to {{termEndOn}}, {{offering}}.',
    call: 'To open a case, call support on {{supportPhone}} and give your Contact ID.',
    portal: 'Open the support portal',
    footer: 'This message was sent because you are the primary technical contact on this certificate.',
    footerDesignated:
      'This message was sent because you were named a designated technical contact on this certificate.',
  },
  fr: {
    subject: 'Votre Contact ID pour le certificat {{certificateNumber}}',
    greeting: 'Bonjour {{contactName}},',
    intro: 'Votre Contact ID pour le support technique est :',
    keep: 'Conservez-le : il vous sera demandé pour ouvrir un incident par téléphone et pour soumettre des échantillons.',
    covers: 'Le certificat {{certificateNumber}} (commande {{salesOrderNumber}}, {{companyName}}) couvre :',
    coversDesignated:
      'Vous êtes interlocuteur désigné pour le support du certificat {{certificateNumber}} (commande {{salesOrderNumber}}, {{companyName}}) pour :',
    serial: 'numéro de série',
    term: 'Période de support : du {{termStartOn}} au {{termEndOn}}, {{offering}}.',
    call: 'Pour ouvrir un incident, appelez le support au {{supportPhone}} et donnez votre Contact ID.',
    portal: 'Ouvrir le portail du support',
    footer: 'Vous recevez ce message en tant que contact technique principal de ce certificat.',
    footerDesignated:
      'Vous recevez ce message car vous avez été désigné interlocuteur pour le support de ce certificat.',
  },
  de: {
    subject: 'Ihre Contact ID für das Zertifikat {{certificateNumber}}',
    greeting: 'Guten Tag {{contactName}},',
    intro: 'Ihre Contact ID für den technischen Support lautet:',
    keep: 'Bewahren Sie sie auf: Sie benötigen sie, um Supportfälle telefonisch zu eröffnen und Proben einzureichen.',
    covers: 'Das Zertifikat {{certificateNumber}} (Auftrag {{salesOrderNumber}}, {{companyName}}) umfasst:',
    coversDesignated:
      'Sie sind benannter technischer Ansprechpartner für das Zertifikat {{certificateNumber}} (Auftrag {{salesOrderNumber}}, {{companyName}}) für:',
    serial: 'Seriennummer',
    term: 'Supportzeitraum: {{termStartOn}} bis {{termEndOn}}, {{offering}}.',
    call: 'Um einen Supportfall zu eröffnen, rufen Sie den Support unter {{supportPhone}} an und nennen Sie Ihre Contact ID.',
    portal: 'Das Supportportal öffnen',
    footer: 'Sie erhalten diese Nachricht als primärer technischer Ansprechpartner für dieses Zertifikat.',
    footerDesignated:
      'Sie erhalten diese Nachricht, weil Sie als technischer Ansprechpartner für dieses Zertifikat benannt wurden.',
  },
  it: {
    subject: 'Il suo Contact ID per il certificato {{certificateNumber}}',
    greeting: 'Gentile {{contactName}},',
    intro: 'Il suo Contact ID per l’assistenza tecnica è:',
    keep: 'Lo conservi: serve per aprire richieste di assistenza per telefono e per inviare campioni.',
    covers: 'Il certificato {{certificateNumber}} (ordine {{salesOrderNumber}}, {{companyName}}) copre:',
    coversDesignated:
      'Lei è un referente tecnico designato per il certificato {{certificateNumber}} (ordine {{salesOrderNumber}}, {{companyName}}) per:',
    serial: 'numero di serie',
    term: 'Periodo di assistenza: dal {{termStartOn}} al {{termEndOn}}, {{offering}}.',
    call: 'Per aprire una richiesta, chiami l’assistenza al numero {{supportPhone}} e indichi il suo Contact ID.',
    portal: 'Apra il portale di assistenza',
    footer: 'Riceve questo messaggio in quanto referente tecnico principale di questo certificato.',
    footerDesignated:
      'Riceve questo messaggio perché è stato designato referente tecnico per questo certificato.',
  },
  es: {
    subject: 'Su Contact ID para el certificado {{certificateNumber}}',
    greeting: 'Hola, {{contactName}}:',
    intro: 'Su Contact ID para el soporte técnico es:',
    keep: 'Consérvelo: lo necesitará para abrir casos por teléfono y para enviar muestras.',
    covers: 'El certificado {{certificateNumber}} (pedido {{salesOrderNumber}}, {{companyName}}) cubre:',
    coversDesignated:
      'Usted es contacto técnico designado del certificado {{certificateNumber}} (pedido {{salesOrderNumber}}, {{companyName}}) para:',
    serial: 'número de serie',
    term: 'Periodo de soporte: del {{termStartOn}} al {{termEndOn}}, {{offering}}.',
    call: 'Para abrir un caso, llame al soporte al {{supportPhone}} e indique su Contact ID.',
    portal: 'Abrir el portal de soporte',
    footer: 'Recibe este mensaje como contacto técnico principal de este certificado.',
    footerDesignated: 'Recibe este mensaje porque ha sido designado contacto técnico de este certificado.',
  },
  ru: {
    subject: 'Ваш Contact ID для сертификата {{certificateNumber}}',
    greeting: 'Здравствуйте, {{contactName}}!',
    intro: 'Ваш Contact ID для обращения в техническую поддержку:',
    keep: 'Сохраните его: он нужен для регистрации обращений по телефону и для отправки образцов.',
    covers:
      'Сертификат {{certificateNumber}} (заказ {{salesOrderNumber}}, {{companyName}}) распространяется на:',
    coversDesignated:
      'Вы назначены контактным лицом для обращений по сертификату {{certificateNumber}} (заказ {{salesOrderNumber}}, {{companyName}}) по следующим продуктам:',
    serial: 'серийный номер',
    term: 'Срок поддержки: с {{termStartOn}} по {{termEndOn}}, {{offering}}.',
    call: 'Чтобы зарегистрировать обращение, позвоните в поддержку по номеру {{supportPhone}} и назовите свой Contact ID.',
    portal: 'Открыть портал поддержки',
    footer: 'Вы получили это письмо как основной технический контакт по этому сертификату.',
    footerDesignated:
      'Вы получили это письмо, так как вас назначили контактным лицом для обращений по этому сертификату.',
  },
};

function source(template: string, language: Language, designated: boolean): EmailSource {
  const w = WORDS[language];
  const covers = designated ? w.coversDesignated : w.covers;
  const footer = designated ? w.footerDesignated : w.footer;
  return {
    template,
    language,
    subject: w.subject,
    text: `${w.greeting}

${w.intro} {{contactId}}

${w.keep}
${covers}
{{#each products}}  - {{product}} {{version}} (${w.serial} {{serialNumber}})
{{/each}}
${w.term}

${w.call}
${w.portal}: {{supportPortalUrl}}

${footer}`,
    mjml: page({
      language,
      preview: `${w.intro} {{contactId}}`,
      body: [
        paragraph(w.greeting),
        paragraph(w.intro),
        `<mj-text font-size="28px" line-height="34px" letter-spacing="3px" font-weight="bold" font-family="Courier New, monospace">{{contactId}}</mj-text>`,
        paragraph(w.keep),
        paragraph(covers),
        `<mj-table>{{#each products}}<tr><td style="padding:3px 12px 3px 0">{{product}} {{version}}</td><td style="padding:3px 0">${w.serial} <b>{{serialNumber}}</b></td></tr>{{/each}}</mj-table>`,
        paragraph(w.term),
        paragraph(w.call),
        button('supportPortalUrl', w.portal),
      ],
      footer: [footer],
    }),
  };
}

const languages = Object.keys(WORDS) as Language[];

export const contactIdIssued: EmailSource[] = languages.map((l) => source('ContactIdIssued', l, false));

/** A designated contact's Contact ID: it says designated, and the list holds only its products. */
export const designatedContactIdIssued: EmailSource[] = languages.map((l) =>
  source('DesignatedContactIdIssued', l, true),
);
