/**
 * Version lifecycle notices: an end-of-life schedule set or changed, and a milestone
 * passed. One email per contact, whatever number of serials they hold on the major. Each
 * milestone comes written by the notice (`milestones`: "has reached" once its date has
 * come, "will reach" before; functions/core/wording.ts).
 */
import type { Language } from '../../functions/core/identifiers.ts';
import { PHASES } from '../../functions/core/wording.ts';
import { type EmailSource, link, page, paragraph } from './mjml/layout.ts';

interface Words {
  scheduledSubject: string;
  passedSubject: string;
  greeting: string;
  scheduled: string;
  passed: string;
  plan: string;
  portal: string;
  footer: string;
}

const WORDS: Record<Language, Words> = {
  en: {
    scheduledSubject: '{{product}} {{major}}: end-of-life schedule',
    passedSubject: '{{product}} {{major}}: {{phase}}',
    greeting: 'Hello {{contactName}},',
    scheduled:
      'The support lifecycle of {{product}} {{major}} (with its minor versions and maintenance packs) has been scheduled:',
    passed: '{{product}} {{major}} has entered a new phase of its support lifecycle: {{phase}}.',
    plan: 'Plan your upgrade in time.',
    portal: 'Open the licensing portal to plan your upgrade',
    footer:
      'You receive this notice because you are a contact for serial numbers registered on this version.',
  },
  fr: {
    scheduledSubject: '{{product}} {{major}} : calendrier de fin de vie',
    passedSubject: '{{product}} {{major}} : {{phase}}',
    greeting: 'Bonjour {{contactName}},',
    scheduled:
      'Le cycle de support de {{product}} {{major}} (avec ses versions mineures et packs de maintenance) a été planifié :',
    passed: '{{product}} {{major}} est entré dans une nouvelle phase de son cycle de support : {{phase}}.',
    plan: 'Planifiez votre mise à niveau à temps.',
    portal: 'Ouvrir le portail de licences pour planifier votre mise à niveau',
    footer:
      'Vous recevez cet avis en tant que contact pour des numéros de série enregistrés sur cette version.',
  },
  de: {
    scheduledSubject: '{{product}} {{major}}: Zeitplan für das Lebenszyklusende',
    passedSubject: '{{product}} {{major}}: {{phase}}',
    greeting: 'Guten Tag {{contactName}},',
    scheduled:
      'Der Support-Lebenszyklus von {{product}} {{major}} (mit Unterversionen und Wartungspaketen) wurde festgelegt:',
    passed:
      '{{product}} {{major}} ist in eine neue Phase seines Support-Lebenszyklus eingetreten: {{phase}}.',
    plan: 'Planen Sie Ihr Upgrade rechtzeitig.',
    portal: 'Das Lizenzportal öffnen, um Ihr Upgrade zu planen',
    footer:
      'Sie erhalten diese Mitteilung als Ansprechpartner für Seriennummern, die auf diese Version registriert sind.',
  },
  it: {
    scheduledSubject: '{{product}} {{major}}: calendario di fine vita',
    passedSubject: '{{product}} {{major}}: {{phase}}',
    greeting: 'Gentile {{contactName}},',
    scheduled:
      'Il ciclo di assistenza di {{product}} {{major}} (con le versioni minori e i pacchetti di manutenzione) è stato pianificato:',
    passed: '{{product}} {{major}} è entrato in una nuova fase del suo ciclo di assistenza: {{phase}}.',
    plan: 'Pianifichi per tempo il suo aggiornamento.',
    portal: 'Apra il portale delle licenze per pianificare l’aggiornamento',
    footer: 'Riceve questo avviso in quanto referente per numeri di serie registrati su questa versione.',
  },
  es: {
    scheduledSubject: '{{product}} {{major}}: calendario de fin de vida',
    passedSubject: '{{product}} {{major}}: {{phase}}',
    greeting: 'Hola, {{contactName}}:',
    scheduled:
      'El ciclo de soporte de {{product}} {{major}} (con sus versiones menores y paquetes de mantenimiento) se ha programado:',
    passed: '{{product}} {{major}} ha entrado en una nueva fase de su ciclo de soporte: {{phase}}.',
    plan: 'Planifique su actualización con tiempo.',
    portal: 'Abrir el portal de licencias para planificar su actualización',
    footer: 'Recibe este aviso como contacto de números de serie registrados en esta versión.',
  },
  ru: {
    scheduledSubject: '{{product}} {{major}}: график окончания жизненного цикла',
    passedSubject: '{{product}} {{major}}: {{phase}}',
    greeting: 'Здравствуйте, {{contactName}}!',
    scheduled:
      'Для {{product}} {{major}} (включая дополнительные версии и пакеты обслуживания) установлен график жизненного цикла поддержки:',
    passed: '{{product}} {{major}} перешёл на новый этап жизненного цикла поддержки: {{phase}}.',
    plan: 'Запланируйте обновление заранее.',
    portal: 'Открыть портал лицензирования, чтобы запланировать обновление',
    footer:
      'Вы получили это уведомление как контактное лицо по серийным номерам, зарегистрированным на эту версию.',
  },
};

const milestonesText = '{{#each milestones}}  - {{sentence}} ({{meaning}})\n{{/each}}';
const milestonesHtml =
  '<mj-table>{{#each milestones}}<tr><td style="padding:4px 0"><b>{{sentence}}</b><br />{{meaning}}</td></tr>{{/each}}</mj-table>';

function source(template: string, language: Language, intro: string, subject: string): EmailSource {
  const w = WORDS[language];
  return {
    template,
    language,
    subject,
    text: `${w.greeting}\n\n${intro}\n${milestonesText}\n${w.plan}\n${w.portal}: {{licensingPortalUrl}}\n\n${w.footer}`,
    mjml: page({
      language,
      preview: intro,
      body: [
        paragraph(w.greeting),
        paragraph(intro),
        milestonesHtml,
        paragraph(w.plan),
        link('licensingPortalUrl', w.portal),
      ],
      footer: [w.footer],
    }),
  };
}

export const lifecycleNotices: EmailSource[] = (Object.keys(WORDS) as Language[]).flatMap((language) => {
  const w = WORDS[language];
  return [
    source('LifecycleScheduled', language, w.scheduled, w.scheduledSubject),
    // One template per milestone, so the phase reads in the contact's words.
    ...(
      [
        ['LifecycleEol', 'EOL'],
        ['LifecyclePartialSupport', 'PARTIAL_SUPPORT'],
        ['LifecycleEndOfSupport', 'END_OF_SUPPORT'],
      ] as const
    ).map(([template, phase]) => {
      const name = PHASES[phase][language].name;
      return source(
        template,
        language,
        w.passed.replace('{{phase}}', name),
        w.passedSubject.replace('{{phase}}', name),
      );
    }),
  ];
});
