/**
 * The upgrade notice: a contact's serials entitled to a new release (a contract current on
 * its GA date and established before it), with the licensing portal and the download
 * service, where they sign in with the serial number. One per contact and release.
 */
import type { Language } from '../../functions/core/identifiers.ts';
import { button, type EmailSource, link, note, page, paragraph } from './mjml/layout.ts';

interface Words {
  subject: string;
  greeting: string;
  intro: string;
  serial: string;
  from: string;
  portal: string;
  portalWhy: string;
  downloads: string;
  downloadsWhy: string;
  footer: string;
}

const WORDS: Record<Language, Words> = {
  en: {
    subject: '{{product}} {{version}} is available: your upgrade is included',
    greeting: 'Hello {{contactName}},',
    intro:
      '{{product}} {{version}} became generally available on {{gaOn}}. Your support contract was current on that date and began before it, so these serial numbers are entitled to the upgrade at no charge:',
    serial: 'Serial number',
    from: 'now on version',
    portal: 'Open the licensing portal',
    portalWhy: 'for version upgrades, media and additional license keys',
    downloads: 'Download the new version',
    downloadsWhy: 'sign in with the serial number',
    footer: 'Upgrade assurance covers new versions, not content updates (definitions, rules).',
  },
  fr: {
    subject: '{{product}} {{version}} est disponible : votre mise à niveau est incluse',
    greeting: 'Bonjour {{contactName}},',
    intro:
      '{{product}} {{version}} est disponible depuis le {{gaOn}}. Votre contrat de support était en cours à cette date et avait commencé avant : ces numéros de série ont droit à la mise à niveau sans frais :',
    serial: 'Numéro de série',
    from: 'actuellement en version',
    portal: 'Ouvrir le portail de licences',
    portalWhy: 'pour les mises à niveau, les supports et les clés de licence supplémentaires',
    downloads: 'Télécharger la nouvelle version',
    downloadsWhy: 'connexion avec le numéro de série',
    footer:
      'La garantie de mise à niveau couvre les nouvelles versions, pas les mises à jour de contenu (définitions, règles).',
  },
  de: {
    subject: '{{product}} {{version}} ist verfügbar: Ihr Upgrade ist inbegriffen',
    greeting: 'Guten Tag {{contactName}},',
    intro:
      '{{product}} {{version}} ist seit dem {{gaOn}} allgemein verfügbar. Ihr Supportvertrag war an diesem Tag gültig und hatte davor begonnen, daher haben diese Seriennummern kostenlos Anspruch auf das Upgrade:',
    serial: 'Seriennummer',
    from: 'derzeit Version',
    portal: 'Das Lizenzportal öffnen',
    portalWhy: 'für Versions-Upgrades, Datenträger und zusätzliche Lizenzschlüssel',
    downloads: 'Die neue Version herunterladen',
    downloadsWhy: 'Anmeldung mit der Seriennummer',
    footer:
      'Die Upgrade-Garantie umfasst neue Versionen, keine Inhaltsaktualisierungen (Definitionen, Regeln).',
  },
  it: {
    subject: '{{product}} {{version}} è disponibile: l’aggiornamento è incluso',
    greeting: 'Gentile {{contactName}},',
    intro:
      '{{product}} {{version}} è disponibile dal {{gaOn}}. Il suo contratto di assistenza era in vigore a quella data ed era iniziato prima, quindi questi numeri di serie hanno diritto all’aggiornamento senza costi:',
    serial: 'Numero di serie',
    from: 'ora alla versione',
    portal: 'Apra il portale delle licenze',
    portalWhy: 'per aggiornamenti di versione, supporti e chiavi di licenza aggiuntive',
    downloads: 'Scarichi la nuova versione',
    downloadsWhy: 'acceda con il numero di serie',
    footer:
      'La garanzia di aggiornamento copre le nuove versioni, non gli aggiornamenti dei contenuti (definizioni, regole).',
  },
  es: {
    subject: '{{product}} {{version}} está disponible: su actualización está incluida',
    greeting: 'Hola, {{contactName}}:',
    intro:
      '{{product}} {{version}} está disponible desde el {{gaOn}}. Su contrato de soporte estaba vigente en esa fecha y había comenzado antes, por lo que estos números de serie tienen derecho a la actualización sin coste:',
    serial: 'Número de serie',
    from: 'ahora en la versión',
    portal: 'Abrir el portal de licencias',
    portalWhy: 'para actualizaciones de versión, soportes y claves de licencia adicionales',
    downloads: 'Descargar la nueva versión',
    downloadsWhy: 'inicie sesión con el número de serie',
    footer:
      'La garantía de actualización cubre las nuevas versiones, no las actualizaciones de contenido (definiciones, reglas).',
  },
  ru: {
    subject: '{{product}} {{version}} доступен: обновление входит в ваш договор',
    greeting: 'Здравствуйте, {{contactName}}!',
    intro:
      '{{product}} {{version}} общедоступен с {{gaOn}}. Ваш договор поддержки действовал на эту дату и был заключён раньше, поэтому эти серийные номера имеют право на бесплатное обновление:',
    serial: 'Серийный номер',
    from: 'сейчас версия',
    portal: 'Открыть портал лицензирования',
    portalWhy: 'обновления версий, носители, дополнительные ключи',
    downloads: 'Скачать новую версию',
    downloadsWhy: 'вход по серийному номеру',
    footer:
      'Гарантия обновления распространяется на новые версии, но не на обновления содержимого (определения, правила).',
  },
};

export const upgradeAvailable: EmailSource[] = (Object.keys(WORDS) as Language[]).map((language) => {
  const w = WORDS[language];
  return {
    template: 'UpgradeAvailable',
    language,
    subject: w.subject,
    text: `${w.greeting}

${w.intro}
{{#each serials}}  - ${w.serial} {{serialNumber}} (${w.from} {{version}})
{{/each}}
${w.downloads} (${w.downloadsWhy}): {{downloadsUrl}}
${w.portal} (${w.portalWhy}): {{licensingPortalUrl}}

${w.footer}`,
    mjml: page({
      language,
      preview: w.subject,
      body: [
        paragraph(w.greeting),
        paragraph(w.intro),
        `<mj-table>{{#each serials}}<tr><td style="padding:3px 12px 3px 0">${w.serial} <b>{{serialNumber}}</b></td><td style="padding:3px 0">${w.from} {{version}}</td></tr>{{/each}}</mj-table>`,
        button('downloadsUrl', w.downloads),
        note(w.downloadsWhy),
        link('licensingPortalUrl', w.portal),
        note(w.portalWhy),
      ],
      footer: [w.footer],
    }),
  };
});
