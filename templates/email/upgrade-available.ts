/**
 * The upgrade notice: a contact's serials entitled to a new release (a contract current on
 * its GA date and established before it), with the licensing portal and the download
 * service, where they sign in with the serial number. One per contact and release.
 */
import type { EmailTemplate } from './index.ts';

const WORDS = {
  en: {
    subject: '{{product}} {{version}} is available: your upgrade is included',
    greeting: 'Hello {{contactName}},',
    intro:
      '{{product}} {{version}} became generally available on {{gaDate}}. Your support contract was current on that date and began before it, so these serials are entitled to the upgrade at no charge:',
    serial: 'serial',
    from: 'now on',
    portal: 'Licensing portal (version upgrades, media, additional license keys):',
    downloads: 'Download service (sign in with the serial number):',
    footer: 'Upgrade assurance covers new versions, not content updates (definitions, rules).',
  },
  fr: {
    subject: '{{product}} {{version}} est disponible : votre mise à niveau est incluse',
    greeting: 'Bonjour {{contactName}},',
    intro:
      '{{product}} {{version}} est disponible depuis le {{gaDate}}. Votre contrat de support était en cours à cette date et avait commencé avant : ces numéros de série ont droit à la mise à niveau sans frais :',
    serial: 'numéro de série',
    from: 'actuellement en',
    portal: 'Portail de licences (mises à niveau, supports, clés de licence supplémentaires) :',
    downloads: 'Service de téléchargement (connexion avec le numéro de série) :',
    footer:
      'La garantie de mise à niveau couvre les nouvelles versions, pas les mises à jour de contenu (définitions, règles).',
  },
  ru: {
    subject: '{{product}} {{version}} доступен: обновление входит в ваш договор',
    greeting: 'Здравствуйте, {{contactName}}!',
    intro:
      '{{product}} {{version}} общедоступен с {{gaDate}}. Ваш договор поддержки действовал на эту дату и был заключён раньше, поэтому эти серийные номера имеют право на бесплатное обновление:',
    serial: 'серийный номер',
    from: 'сейчас версия',
    portal: 'Портал лицензирования (обновления версий, носители, дополнительные ключи):',
    downloads: 'Служба загрузки (вход по серийному номеру):',
    footer:
      'Гарантия обновления распространяется на новые версии, но не на обновления содержимого (определения, правила).',
  },
} as const;

export const upgradeAvailable: EmailTemplate[] = (Object.keys(WORDS) as Array<keyof typeof WORDS>).map(
  (language) => {
    const w = WORDS[language];
    return {
      template: 'UpgradeAvailable',
      language,
      subject: w.subject,
      text: `${w.greeting}

${w.intro}
{{#each serials}}  - ${w.serial} {{serialNumber}} (${w.from} {{version}})
{{/each}}
${w.portal} {{licensingPortalUrl}}
${w.downloads} {{downloadsUrl}}

${w.footer}`,
      html: `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1a1a1a"><p>${w.greeting}</p><p>${w.intro}</p><ul>{{#each serials}}<li><b>{{serialNumber}}</b> (${w.from} {{version}})</li>{{/each}}</ul><p><a href="{{licensingPortalUrl}}">${w.portal}</a> {{licensingPortalUrl}}</p><p><a href="{{downloadsUrl}}">${w.downloads}</a> {{downloadsUrl}}</p><p style="color:#666;font-size:12px">${w.footer}</p></body></html>`,
    };
  },
);
