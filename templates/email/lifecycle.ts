/**
 * Version lifecycle notices: an end-of-life schedule set or changed, and a milestone
 * passed. One email per contact, whatever number of serials they hold on the major.
 */
import type { EmailTemplate } from './index.ts';

interface Words {
  scheduledSubject: string;
  passedSubject: string;
  greeting: string;
  scheduled: string;
  passed: string;
  eol: string;
  partial: string;
  end: string;
  footer: string;
}

const WORDS: Record<'en' | 'fr' | 'ru', Words> = {
  en: {
    scheduledSubject: '{{product}} {{major}}: end-of-life schedule',
    passedSubject: '{{product}} {{major}}: {{phase}}',
    greeting: 'Hello {{contactName}},',
    scheduled:
      'The support lifecycle of {{product}} {{major}} (with its minor versions and maintenance packs) is now scheduled:',
    passed: '{{product}} {{major}} has entered a new phase of its support lifecycle: {{phase}}.',
    eol: 'End of life (no longer sold or distributed)',
    partial: 'Partial support (known fixes and workarounds only, no new code)',
    end: 'End of support life (no support, whatever the offering)',
    footer:
      'You receive this notice because you are a contact for serials registered on this version. Plan your upgrade in time.',
  },
  fr: {
    scheduledSubject: '{{product}} {{major}} : calendrier de fin de vie',
    passedSubject: '{{product}} {{major}} : {{phase}}',
    greeting: 'Bonjour {{contactName}},',
    scheduled:
      'Le cycle de support de {{product}} {{major}} (avec ses versions mineures et maintenance packs) est désormais planifié :',
    passed: '{{product}} {{major}} est entré dans une nouvelle phase de son cycle de support : {{phase}}.',
    eol: 'Fin de vie (plus vendu ni distribué)',
    partial: 'Support partiel (correctifs connus et solutions de contournement, pas de nouveau code)',
    end: 'Fin du support (aucun support, quelle que soit l’offre)',
    footer:
      'Vous recevez cet avis en tant que contact pour des numéros de série enregistrés sur cette version. Planifiez votre mise à niveau.',
  },
  ru: {
    scheduledSubject: '{{product}} {{major}}: график окончания жизненного цикла',
    passedSubject: '{{product}} {{major}}: {{phase}}',
    greeting: 'Здравствуйте, {{contactName}}!',
    scheduled:
      'Жизненный цикл поддержки {{product}} {{major}} (включая дополнительные версии и пакеты обслуживания) запланирован:',
    passed: '{{product}} {{major}} перешёл на новый этап жизненного цикла поддержки: {{phase}}.',
    eol: 'Окончание продаж (больше не продаётся и не распространяется)',
    partial: 'Частичная поддержка (известные исправления и обходные пути, без нового кода)',
    end: 'Окончание поддержки (поддержка не оказывается независимо от договора)',
    footer:
      'Вы получили это уведомление как контактное лицо по серийным номерам, зарегистрированным на эту версию. Запланируйте обновление.',
  },
};

const datesText = (w: Words) =>
  `  - ${w.eol}: {{eolDate}}\n  - ${w.partial}: {{partialSupportDate}}\n  - ${w.end}: {{endOfSupportDate}}`;
const datesHtml = (w: Words) =>
  `<table><tr><td>${w.eol}</td><td><b>{{eolDate}}</b></td></tr><tr><td>${w.partial}</td><td><b>{{partialSupportDate}}</b></td></tr><tr><td>${w.end}</td><td><b>{{endOfSupportDate}}</b></td></tr></table>`;
const page = (body: string, w: Words) =>
  `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1a1a1a"><p>${w.greeting}</p>${body}${datesHtml(w)}<p style="color:#666;font-size:12px">${w.footer}</p></body></html>`;

export const lifecycleNotices: EmailTemplate[] = (Object.keys(WORDS) as Array<keyof typeof WORDS>).flatMap(
  (language) => {
    const w = WORDS[language];
    return [
      {
        template: 'LifecycleScheduled',
        language,
        subject: w.scheduledSubject,
        text: `${w.greeting}\n\n${w.scheduled}\n${datesText(w)}\n\n${w.footer}`,
        html: page(`<p>${w.scheduled}</p>`, w),
      },
      // One template per milestone, so the phase reads in the contact's words.
      ...(
        [
          ['LifecycleEol', w.eol],
          ['LifecyclePartialSupport', w.partial],
          ['LifecycleEndOfSupport', w.end],
        ] as const
      ).map(([template, phase]) => ({
        template,
        language,
        subject: w.passedSubject.replace('{{phase}}', phase),
        text: `${w.greeting}\n\n${w.passed.replace('{{phase}}', phase)}\n${datesText(w)}\n\n${w.footer}`,
        html: page(`<p>${w.passed.replace('{{phase}}', phase)}</p>`, w),
      })),
    ];
  },
);
