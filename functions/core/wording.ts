/**
 * What a notice says in its recipient's language, decided when the notice is created: SES
 * renders templates with Handlebars and has no date or translation helper, so a notice
 * carries the words and dates a person reads already written (ISO copies stay beside them
 * only where a machine reads them). Pure: the time and the language are passed in.
 */
import type { Language, Tier } from './identifiers.ts';
import type { MilestonePhase } from './lifecycle.ts';

/** A calendar date (YYYY-MM-DD) as a reader of `language` writes it: "31 December 2026", "31. Dezember 2026". */
export function readableDate(isoDate: string, language: Language): string {
  const day = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(day.getTime())) return isoDate;
  // UTC: a calendar date is the same day wherever the reader is.
  // English readers here are in EMEA (the handbook's region): day before month, "31 December 2026".
  const locale = language === 'en' ? 'en-GB' : language;
  const written = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(day);
  // French writes the first of the month as an ordinal: "1er mars 2027".
  return language === 'fr' ? written.replace(/^1 /, '1er ') : written;
}

/** Offering names as customers know them, per language: never the tier's code. */
const OFFERING_NAMES: Record<Tier, Record<Language, string>> = {
  BASIC: {
    en: 'Basic Maintenance',
    fr: 'Maintenance de base',
    de: 'Basiswartung',
    it: 'Manutenzione di base',
    es: 'Mantenimiento básico',
    ru: 'Базовое обслуживание',
  },
  ESSENTIAL: {
    en: 'Essential Support',
    fr: 'Support Essentiel',
    de: 'Essenzieller Support',
    it: 'Supporto Essenziale',
    es: 'Soporte Esencial',
    ru: 'Основная поддержка',
  },
  BCS_REMOTE: {
    en: 'Business Critical Services — Remote Product Specialist',
    fr: 'Services critiques — spécialiste produit à distance',
    de: 'Geschäftskritische Services — Produktspezialist aus der Ferne',
    it: 'Servizi critici — specialista di prodotto da remoto',
    es: 'Servicios críticos — especialista de producto remoto',
    ru: 'Критически важные услуги — удалённый специалист по продукту',
  },
  BCS_DATACENTER: {
    en: 'Business Critical Services — Data Center',
    fr: 'Services critiques — centre de données',
    de: 'Geschäftskritische Services — Rechenzentrum',
    it: 'Servizi critici — centro dati',
    es: 'Servicios críticos — centro de datos',
    ru: 'Критически важные услуги — центр обработки данных',
  },
  BCS_NATIONAL: {
    en: 'Business Critical Services — National',
    fr: 'Services critiques — national',
    de: 'Geschäftskritische Services — national',
    it: 'Servizi critici — nazionale',
    es: 'Servicios críticos — nacional',
    ru: 'Критически важные услуги — национальный уровень',
  },
  BCS_GLOBAL: {
    en: 'Business Critical Services — Global',
    fr: 'Services critiques — mondial',
    de: 'Geschäftskritische Services — weltweit',
    it: 'Servizi critici — globale',
    es: 'Servicios críticos — global',
    ru: 'Критически важные услуги — глобальный уровень',
  },
};

export const offeringName = (tier: Tier, language: Language): string => OFFERING_NAMES[tier][language];

/** Where a customer reaches support: by phone and on the web. */
export interface SupportContact {
  phone: string;
  portalUrl: string;
}

/** Support contacts by ISO country code (the certificate's `country`), with the one for every other country. */
export type SupportContacts = { default: SupportContact } & Record<string, SupportContact>;

/** What the local stack and a stage without `supportContacts` in its context use. */
export const DEFAULT_SUPPORT_CONTACTS: SupportContacts = {
  default: { phone: '+1 800 555 0100', portalUrl: 'https://support.vendor.example' },
  FR: { phone: '+33 1 70 00 01 00', portalUrl: 'https://support.vendor.example/fr' },
  DE: { phone: '+49 69 5000 0100', portalUrl: 'https://support.vendor.example/de' },
  IT: { phone: '+39 02 5000 0100', portalUrl: 'https://support.vendor.example/it' },
  ES: { phone: '+34 91 500 01 00', portalUrl: 'https://support.vendor.example/es' },
  RU: { phone: '+7 495 500 01 00', portalUrl: 'https://support.vendor.example/ru' },
};

export const supportContactFor = (contacts: SupportContacts, country?: string): SupportContact =>
  (country ? contacts[country.toUpperCase()] : undefined) ?? contacts.default;

/** The links and support contacts notices carry: config.links() on AWS and locally. */
export interface NoticeLinks {
  renewalUrl: string;
  licensingPortalUrl: string;
  downloadsUrl: string;
  supportContacts: SupportContacts;
}

export const DEFAULT_LINKS: NoticeLinks = {
  renewalUrl: 'https://licensing.vendor.example/renew',
  licensingPortalUrl: 'https://licensing.vendor.example',
  downloadsUrl: 'https://downloads.vendor.example',
  supportContacts: DEFAULT_SUPPORT_CONTACTS,
};

/**
 * Where a recipient stops renewal reminders. A placeholder the unsubscribe work replaces
 * with a signed link per recipient (built in reminderDigestNotice, functions/core/reminders.ts).
 */
export const unsubscribePage = (licensingPortalUrl: string): string =>
  `${licensingPortalUrl.replace(/\/+$/, '')}/customer/unsubscribe`;

/** "days" as the language counts them. */
const DAYS: Record<Language, Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }> = {
  en: { one: 'day', other: 'days' },
  fr: { one: 'jour', other: 'jours' },
  de: { one: 'Tag', other: 'Tagen' },
  it: { one: 'giorno', other: 'giorni' },
  es: { one: 'día', other: 'días' },
  ru: { one: 'день', few: 'дня', many: 'дней', other: 'дня' },
};

export function dayCount(days: number, language: Language): string {
  const forms = DAYS[language];
  return `${days} ${forms[new Intl.PluralRules(language).select(days)] ?? forms.other}`;
}

/** A reminder line's "ends in 30 days, on 31 December 2026", in the recipient's language. */
export function renewalWhen(offset: number, termEnd: string, language: Language): string {
  const days = dayCount(Math.abs(offset), language);
  const on = readableDate(termEnd, language);
  const phrases: Record<Language, { before: string; today: string; after: string }> = {
    en: {
      before: `ends in ${days}, on ${on}`,
      today: `ends today, ${on}`,
      after: `ended ${days} ago, on ${on}: support and upgrades have stopped`,
    },
    fr: {
      before: `se termine dans ${days}, le ${on}`,
      today: `se termine aujourd'hui, le ${on}`,
      after: `s'est terminé il y a ${days}, le ${on} : le support et les mises à niveau sont interrompus`,
    },
    de: {
      before: `endet in ${days}, am ${on}`,
      today: `endet heute, am ${on}`,
      after: `ist vor ${days} abgelaufen, am ${on}: Support und Upgrades wurden eingestellt`,
    },
    it: {
      before: `scade tra ${days}, il ${on}`,
      today: `scade oggi, ${on}`,
      after: `è scaduto ${days} fa, il ${on}: assistenza e aggiornamenti sono sospesi`,
    },
    es: {
      before: `vence en ${days}, el ${on}`,
      today: `vence hoy, ${on}`,
      after: `venció hace ${days}, el ${on}: el soporte y las actualizaciones se han detenido`,
    },
    ru: {
      before: `заканчивается через ${days}, ${on}`,
      today: `заканчивается сегодня, ${on}`,
      after: `закончился ${days} назад, ${on}: поддержка и обновления прекращены`,
    },
  };
  const p = phrases[language];
  return offset > 0 ? p.before : offset === 0 ? p.today : p.after;
}

/** A lifecycle phase's name and what it means, per language. */
export const PHASES: Record<MilestonePhase, Record<Language, { name: string; meaning: string }>> = {
  EOL: {
    en: { name: 'End of life', meaning: 'no longer sold or distributed' },
    fr: { name: 'Fin de vie', meaning: 'plus vendu ni distribué' },
    de: { name: 'Vertriebsende', meaning: 'nicht mehr verkauft oder ausgeliefert' },
    it: { name: 'Fine vita', meaning: 'non più venduto né distribuito' },
    es: { name: 'Fin de vida', meaning: 'ya no se vende ni se distribuye' },
    ru: { name: 'Окончание продаж', meaning: 'больше не продаётся и не распространяется' },
  },
  PARTIAL_SUPPORT: {
    en: { name: 'Partial support', meaning: 'known fixes and workarounds only, no new code' },
    fr: {
      name: 'Support partiel',
      meaning: 'correctifs connus et solutions de contournement uniquement, pas de nouveau code',
    },
    de: {
      name: 'Eingeschränkter Support',
      meaning: 'nur bekannte Korrekturen und Umgehungslösungen, kein neuer Code',
    },
    it: {
      name: 'Supporto parziale',
      meaning: 'solo correzioni note e soluzioni alternative, nessun nuovo codice',
    },
    es: {
      name: 'Soporte parcial',
      meaning: 'solo correcciones conocidas y soluciones alternativas, sin código nuevo',
    },
    ru: {
      name: 'Частичная поддержка',
      meaning: 'только известные исправления и обходные пути, без нового кода',
    },
  },
  END_OF_SUPPORT: {
    en: { name: 'End of support', meaning: 'no support, whatever the offering' },
    fr: { name: 'Fin du support', meaning: 'aucun support, quelle que soit l’offre' },
    de: { name: 'Supportende', meaning: 'kein Support mehr, unabhängig vom Angebot' },
    it: { name: 'Fine del supporto', meaning: 'nessuna assistenza, qualunque sia l’offerta' },
    es: { name: 'Fin del soporte', meaning: 'sin soporte, sea cual sea la oferta' },
    ru: { name: 'Окончание поддержки', meaning: 'поддержка не оказывается независимо от договора' },
  },
};

/**
 * One milestone of a major, as of `today`: "has reached" once its date has come, "will
 * reach" before, so a notice about dates already passed does not speak of them as plans.
 */
export function milestoneSentence(
  release: string,
  phase: MilestonePhase,
  date: string,
  today: string,
  language: Language,
): string {
  const name = PHASES[phase][language].name;
  const on = readableDate(date, language);
  const reached = date <= today;
  switch (language) {
    case 'en':
      return reached
        ? `${release} has reached ${name.toLowerCase()} on ${on}`
        : `${release} will reach ${name.toLowerCase()} on ${on}`;
    case 'fr':
      return reached
        ? `${release} a atteint la phase « ${name} » le ${on}`
        : `${release} atteindra la phase « ${name} » le ${on}`;
    case 'de':
      return reached
        ? `${release} hat am ${on} die Phase „${name}“ erreicht`
        : `${release} erreicht am ${on} die Phase „${name}“`;
    case 'it':
      return reached
        ? `${release} ha raggiunto la fase «${name}» il ${on}`
        : `${release} raggiungerà la fase «${name}» il ${on}`;
    case 'es':
      return reached
        ? `${release} alcanzó la fase «${name}» el ${on}`
        : `${release} alcanzará la fase «${name}» el ${on}`;
    case 'ru':
      return reached
        ? `${release}: этап «${name}» наступил ${on}`
        : `${release}: этап «${name}» наступит ${on}`;
  }
}
