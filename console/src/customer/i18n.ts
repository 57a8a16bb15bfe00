/**
 * The customer pages' wording in the six languages the service writes to customers in
 * (DOMAIN.md "Languages"). The language comes from the browser (`navigator.languages`, what it
 * sends as Accept-Language) unless the customer chose another with the switcher; the phase
 * names match the emails' (functions/core/wording.ts PHASES).
 */
import type { LifecyclePhase } from '../components/product-timeline.tsx';

export const LANGUAGES = ['en', 'fr', 'de', 'it', 'es', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language named in itself, as the switcher lists them. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  fr: 'Français',
  de: 'Deutsch',
  it: 'Italiano',
  es: 'Español',
  ru: 'Русский',
};

/** The locale dates are written in for each language. */
export const LOCALES: Record<Language, string> = {
  en: 'en-GB',
  fr: 'fr-FR',
  de: 'de-DE',
  it: 'it-IT',
  es: 'es-ES',
  ru: 'ru-RU',
};

export type Field = 'certificateNumber' | 'salesOrderNumber' | 'serialNumber' | 'supportIdentifier';
/** How each identifier looks on the certificate (the seeds' examples). */
export const EXAMPLES: Record<Field, string> = {
  certificateNumber: '12345678-1234567',
  salesOrderNumber: '12345678',
  serialNumber: 'M1234567890',
  supportIdentifier: '1234-5678-1234',
};

export interface Messages {
  site: string;
  language: string;
  contactId: {
    title: string;
    intro: string;
    fields: Record<Field, string>;
    looksLike(example: string): string;
    required: string;
    invalid(example: string): string;
    submit: string;
    sent: string;
    /** The one answer, matched or not: it never says which. */
    confirmation: string;
    again: string;
    failed: string;
  };
  lifecycle: {
    title(product: string): string;
    intro: string;
    version(major: number): string;
    versionColumn: string;
    ga: string;
    eol: string;
    partial: string;
    endOfSupport: string;
    phaseToday: string;
    notScheduled: string;
    phases: Record<LifecyclePhase, { name: string; meaning: string }>;
    /** A major whose general availability is still ahead. */
    upcoming: { name: string; meaning: string };
    standard: string;
    standardNotSold: string;
    partialSpan: string;
    today: string;
    timeline: string;
    table: string;
    subscribe: string;
    subscribeIntro: string;
    webcal: string;
    download: string;
    none: string;
    unknownTitle: string;
    unknown(product: string): string;
    loading: string;
    failed: string;
  };
}

const en: Messages = {
  site: 'Technical support',
  language: 'Language',
  contactId: {
    title: 'Request your Contact ID again',
    intro:
      'Your Contact ID did not arrive? Enter the four identifiers printed on your licence certificate. We send the Contact ID to the certificate’s primary contact by email.',
    fields: {
      certificateNumber: 'Certificate number',
      salesOrderNumber: 'Sales order number',
      serialNumber: 'Serial number',
      supportIdentifier: 'Support identifier',
    },
    looksLike: (x) => `Looks like ${x}`,
    required: 'Enter this identifier.',
    invalid: (x) => `Check this identifier: it looks like ${x}.`,
    submit: 'Send my Contact ID',
    sent: 'Request received',
    confirmation:
      'If these details match a registered certificate, its primary contact will receive the Contact ID by email.',
    again: 'Make another request',
    failed: 'Your request could not be sent. Please try again in a moment.',
  },
  lifecycle: {
    title: (p) => `${p}: version lifecycle`,
    intro: 'When each major version stops being sold and supported.',
    version: (m) => `Version ${m}`,
    versionColumn: 'Version',
    ga: 'General availability',
    eol: 'End of life',
    partial: 'Partial support',
    endOfSupport: 'End of support',
    phaseToday: 'Phase today',
    notScheduled: 'Not scheduled',
    phases: {
      GA: { name: 'Standard support', meaning: 'sold, with fixes and new code where needed' },
      EOL: { name: 'End of life', meaning: 'no longer sold or distributed' },
      PARTIAL_SUPPORT: { name: 'Partial support', meaning: 'known fixes and workarounds only, no new code' },
      END_OF_SUPPORT: { name: 'End of support', meaning: 'no support, whatever the offering' },
    },
    upcoming: { name: 'Not yet available', meaning: 'general availability on the date shown' },
    standard: 'Standard support',
    standardNotSold: 'Standard support, no longer sold',
    partialSpan: 'Partial support',
    today: 'Today',
    timeline: 'Timeline',
    table: 'Dates by version',
    subscribe: 'Subscribe to these dates',
    subscribeIntro: 'Add them to your calendar: it follows every change.',
    webcal: 'Subscribe in your calendar app',
    download: 'Download the iCalendar file (.ics)',
    none: 'No version of this product is published yet.',
    unknownTitle: 'We don’t know this product',
    unknown: (p) => `We have no lifecycle for “${p}”. Check the product name in the link you followed.`,
    loading: 'Loading…',
    failed: 'The dates could not be loaded. Please try again in a moment.',
  },
};

const fr: Messages = {
  site: 'Support technique',
  language: 'Langue',
  contactId: {
    title: 'Recevoir à nouveau votre Contact ID',
    intro:
      'Votre Contact ID ne vous est pas parvenu ? Saisissez les quatre identifiants imprimés sur votre certificat de licence. Nous envoyons le Contact ID par e-mail au contact principal du certificat.',
    fields: {
      certificateNumber: 'Numéro de certificat',
      salesOrderNumber: 'Numéro de commande',
      serialNumber: 'Numéro de série',
      supportIdentifier: 'Identifiant de support',
    },
    looksLike: (x) => `Par exemple ${x}`,
    required: 'Saisissez cet identifiant.',
    invalid: (x) => `Vérifiez cet identifiant : il ressemble à ${x}.`,
    submit: 'Envoyer mon Contact ID',
    sent: 'Demande reçue',
    confirmation:
      'Si ces informations correspondent à un certificat enregistré, son contact principal recevra le Contact ID par e-mail.',
    again: 'Faire une autre demande',
    failed: 'Votre demande n’a pas pu être envoyée. Réessayez dans un instant.',
  },
  lifecycle: {
    title: (p) => `${p} : cycle de vie des versions`,
    intro: 'Quand chaque version majeure cesse d’être vendue et prise en charge.',
    version: (m) => `Version ${m}`,
    versionColumn: 'Version',
    ga: 'Disponibilité générale',
    eol: 'Fin de vie',
    partial: 'Support partiel',
    endOfSupport: 'Fin du support',
    phaseToday: 'Phase actuelle',
    notScheduled: 'Non planifiée',
    phases: {
      GA: { name: 'Support standard', meaning: 'vendu, avec correctifs et nouveau code si nécessaire' },
      EOL: { name: 'Fin de vie', meaning: 'plus vendu ni distribué' },
      PARTIAL_SUPPORT: {
        name: 'Support partiel',
        meaning: 'correctifs connus et solutions de contournement uniquement',
      },
      END_OF_SUPPORT: { name: 'Fin du support', meaning: 'aucun support, quelle que soit l’offre' },
    },
    upcoming: { name: 'Pas encore disponible', meaning: 'disponibilité générale à la date indiquée' },
    standard: 'Support standard',
    standardNotSold: 'Support standard, plus vendu',
    partialSpan: 'Support partiel',
    today: 'Aujourd’hui',
    timeline: 'Chronologie',
    table: 'Dates par version',
    subscribe: 'S’abonner à ces dates',
    subscribeIntro: 'Ajoutez-les à votre agenda : il suivra chaque changement.',
    webcal: 'S’abonner dans votre agenda',
    download: 'Télécharger le fichier iCalendar (.ics)',
    none: 'Aucune version de ce produit n’est encore publiée.',
    unknownTitle: 'Nous ne connaissons pas ce produit',
    unknown: (p) =>
      `Nous n’avons pas de cycle de vie pour « ${p} ». Vérifiez le nom du produit dans le lien suivi.`,
    loading: 'Chargement…',
    failed: 'Les dates n’ont pas pu être chargées. Réessayez dans un instant.',
  },
};

const de: Messages = {
  site: 'Technischer Support',
  language: 'Sprache',
  contactId: {
    title: 'Contact ID erneut anfordern',
    intro:
      'Ihre Contact ID ist nicht angekommen? Geben Sie die vier Kennungen von Ihrem Lizenzzertifikat ein. Wir senden die Contact ID per E-Mail an den Hauptkontakt des Zertifikats.',
    fields: {
      certificateNumber: 'Zertifikatsnummer',
      salesOrderNumber: 'Auftragsnummer',
      serialNumber: 'Seriennummer',
      supportIdentifier: 'Support-Kennung',
    },
    looksLike: (x) => `Zum Beispiel ${x}`,
    required: 'Geben Sie diese Kennung ein.',
    invalid: (x) => `Prüfen Sie diese Kennung: Sie sieht so aus: ${x}.`,
    submit: 'Contact ID senden',
    sent: 'Anfrage erhalten',
    confirmation:
      'Wenn diese Angaben zu einem registrierten Zertifikat passen, erhält dessen Hauptkontakt die Contact ID per E-Mail.',
    again: 'Neue Anfrage stellen',
    failed: 'Ihre Anfrage konnte nicht gesendet werden. Bitte versuchen Sie es gleich noch einmal.',
  },
  lifecycle: {
    title: (p) => `${p}: Lebenszyklus der Versionen`,
    intro: 'Wann jede Hauptversion nicht mehr verkauft und unterstützt wird.',
    version: (m) => `Version ${m}`,
    versionColumn: 'Version',
    ga: 'Allgemeine Verfügbarkeit',
    eol: 'Vertriebsende',
    partial: 'Eingeschränkter Support',
    endOfSupport: 'Supportende',
    phaseToday: 'Phase heute',
    notScheduled: 'Nicht geplant',
    phases: {
      GA: { name: 'Standard-Support', meaning: 'im Verkauf, mit Korrekturen und neuem Code bei Bedarf' },
      EOL: { name: 'Vertriebsende', meaning: 'nicht mehr verkauft oder ausgeliefert' },
      PARTIAL_SUPPORT: {
        name: 'Eingeschränkter Support',
        meaning: 'nur bekannte Korrekturen und Umgehungslösungen',
      },
      END_OF_SUPPORT: { name: 'Supportende', meaning: 'kein Support mehr, unabhängig vom Angebot' },
    },
    upcoming: { name: 'Noch nicht verfügbar', meaning: 'allgemein verfügbar ab dem angegebenen Datum' },
    standard: 'Standard-Support',
    standardNotSold: 'Standard-Support, nicht mehr im Verkauf',
    partialSpan: 'Eingeschränkter Support',
    today: 'Heute',
    timeline: 'Zeitleiste',
    table: 'Termine je Version',
    subscribe: 'Diese Termine abonnieren',
    subscribeIntro: 'Fügen Sie sie Ihrem Kalender hinzu: Er folgt jeder Änderung.',
    webcal: 'In Ihrer Kalender-App abonnieren',
    download: 'iCalendar-Datei herunterladen (.ics)',
    none: 'Von diesem Produkt ist noch keine Version veröffentlicht.',
    unknownTitle: 'Dieses Produkt kennen wir nicht',
    unknown: (p) =>
      `Für „${p}“ haben wir keinen Lebenszyklus. Prüfen Sie den Produktnamen im aufgerufenen Link.`,
    loading: 'Wird geladen…',
    failed: 'Die Termine konnten nicht geladen werden. Bitte versuchen Sie es gleich noch einmal.',
  },
};

const it: Messages = {
  site: 'Supporto tecnico',
  language: 'Lingua',
  contactId: {
    title: 'Ricevi di nuovo il tuo Contact ID',
    intro:
      'Il tuo Contact ID non è arrivato? Inserisci i quattro identificativi stampati sul certificato di licenza. Inviamo il Contact ID via e-mail al contatto principale del certificato.',
    fields: {
      certificateNumber: 'Numero di certificato',
      salesOrderNumber: 'Numero d’ordine',
      serialNumber: 'Numero di serie',
      supportIdentifier: 'Identificativo di supporto',
    },
    looksLike: (x) => `Ad esempio ${x}`,
    required: 'Inserisci questo identificativo.',
    invalid: (x) => `Controlla questo identificativo: ha la forma ${x}.`,
    submit: 'Invia il mio Contact ID',
    sent: 'Richiesta ricevuta',
    confirmation:
      'Se questi dati corrispondono a un certificato registrato, il suo contatto principale riceverà il Contact ID via e-mail.',
    again: 'Fai un’altra richiesta',
    failed: 'Non è stato possibile inviare la richiesta. Riprova tra poco.',
  },
  lifecycle: {
    title: (p) => `${p}: ciclo di vita delle versioni`,
    intro: 'Quando ogni versione principale smette di essere venduta e supportata.',
    version: (m) => `Versione ${m}`,
    versionColumn: 'Versione',
    ga: 'Disponibilità generale',
    eol: 'Fine vita',
    partial: 'Supporto parziale',
    endOfSupport: 'Fine del supporto',
    phaseToday: 'Fase attuale',
    notScheduled: 'Non pianificata',
    phases: {
      GA: { name: 'Supporto standard', meaning: 'in vendita, con correzioni e nuovo codice se serve' },
      EOL: { name: 'Fine vita', meaning: 'non più venduto né distribuito' },
      PARTIAL_SUPPORT: { name: 'Supporto parziale', meaning: 'solo correzioni note e soluzioni alternative' },
      END_OF_SUPPORT: { name: 'Fine del supporto', meaning: 'nessuna assistenza, qualunque sia l’offerta' },
    },
    upcoming: { name: 'Non ancora disponibile', meaning: 'disponibilità generale alla data indicata' },
    standard: 'Supporto standard',
    standardNotSold: 'Supporto standard, non più in vendita',
    partialSpan: 'Supporto parziale',
    today: 'Oggi',
    timeline: 'Cronologia',
    table: 'Date per versione',
    subscribe: 'Iscriviti a queste date',
    subscribeIntro: 'Aggiungile al tuo calendario: seguirà ogni modifica.',
    webcal: 'Iscriviti nella tua app calendario',
    download: 'Scarica il file iCalendar (.ics)',
    none: 'Nessuna versione di questo prodotto è ancora pubblicata.',
    unknownTitle: 'Non conosciamo questo prodotto',
    unknown: (p) =>
      `Non abbiamo un ciclo di vita per «${p}». Controlla il nome del prodotto nel link seguito.`,
    loading: 'Caricamento…',
    failed: 'Non è stato possibile caricare le date. Riprova tra poco.',
  },
};

const es: Messages = {
  site: 'Soporte técnico',
  language: 'Idioma',
  contactId: {
    title: 'Recibir de nuevo su Contact ID',
    intro:
      '¿No le ha llegado su Contact ID? Introduzca los cuatro identificadores impresos en su certificado de licencia. Enviamos el Contact ID por correo electrónico al contacto principal del certificado.',
    fields: {
      certificateNumber: 'Número de certificado',
      salesOrderNumber: 'Número de pedido',
      serialNumber: 'Número de serie',
      supportIdentifier: 'Identificador de soporte',
    },
    looksLike: (x) => `Por ejemplo ${x}`,
    required: 'Introduzca este identificador.',
    invalid: (x) => `Compruebe este identificador: tiene la forma ${x}.`,
    submit: 'Enviar mi Contact ID',
    sent: 'Solicitud recibida',
    confirmation:
      'Si estos datos coinciden con un certificado registrado, su contacto principal recibirá el Contact ID por correo electrónico.',
    again: 'Hacer otra solicitud',
    failed: 'No se pudo enviar su solicitud. Inténtelo de nuevo en un momento.',
  },
  lifecycle: {
    title: (p) => `${p}: ciclo de vida de las versiones`,
    intro: 'Cuándo deja cada versión principal de venderse y de tener soporte.',
    version: (m) => `Versión ${m}`,
    versionColumn: 'Versión',
    ga: 'Disponibilidad general',
    eol: 'Fin de vida',
    partial: 'Soporte parcial',
    endOfSupport: 'Fin del soporte',
    phaseToday: 'Fase actual',
    notScheduled: 'No programada',
    phases: {
      GA: { name: 'Soporte estándar', meaning: 'a la venta, con correcciones y código nuevo si hace falta' },
      EOL: { name: 'Fin de vida', meaning: 'ya no se vende ni se distribuye' },
      PARTIAL_SUPPORT: {
        name: 'Soporte parcial',
        meaning: 'solo correcciones conocidas y soluciones alternativas',
      },
      END_OF_SUPPORT: { name: 'Fin del soporte', meaning: 'sin soporte, sea cual sea la oferta' },
    },
    upcoming: { name: 'Aún no disponible', meaning: 'disponibilidad general en la fecha indicada' },
    standard: 'Soporte estándar',
    standardNotSold: 'Soporte estándar, ya no se vende',
    partialSpan: 'Soporte parcial',
    today: 'Hoy',
    timeline: 'Cronología',
    table: 'Fechas por versión',
    subscribe: 'Suscribirse a estas fechas',
    subscribeIntro: 'Añádalas a su calendario: seguirá cada cambio.',
    webcal: 'Suscribirse en su aplicación de calendario',
    download: 'Descargar el archivo iCalendar (.ics)',
    none: 'Aún no se ha publicado ninguna versión de este producto.',
    unknownTitle: 'No conocemos este producto',
    unknown: (p) =>
      `No tenemos ciclo de vida para «${p}». Compruebe el nombre del producto en el enlace que ha seguido.`,
    loading: 'Cargando…',
    failed: 'No se pudieron cargar las fechas. Inténtelo de nuevo en un momento.',
  },
};

const ru: Messages = {
  site: 'Техническая поддержка',
  language: 'Язык',
  contactId: {
    title: 'Повторно получить Contact ID',
    intro:
      'Не пришёл Contact ID? Введите четыре идентификатора из вашего лицензионного сертификата. Мы отправим Contact ID по электронной почте основному контактному лицу сертификата.',
    fields: {
      certificateNumber: 'Номер сертификата',
      salesOrderNumber: 'Номер заказа',
      serialNumber: 'Серийный номер',
      supportIdentifier: 'Идентификатор поддержки',
    },
    looksLike: (x) => `Выглядит как ${x}`,
    required: 'Введите этот идентификатор.',
    invalid: (x) => `Проверьте идентификатор: он выглядит как ${x}.`,
    submit: 'Отправить Contact ID',
    sent: 'Запрос получен',
    confirmation:
      'Если эти данные совпадают с зарегистрированным сертификатом, его основное контактное лицо получит Contact ID по электронной почте.',
    again: 'Отправить другой запрос',
    failed: 'Не удалось отправить запрос. Попробуйте ещё раз чуть позже.',
  },
  lifecycle: {
    title: (p) => `${p}: жизненный цикл версий`,
    intro: 'Когда каждая основная версия перестаёт продаваться и поддерживаться.',
    version: (m) => `Версия ${m}`,
    versionColumn: 'Версия',
    ga: 'Общая доступность',
    eol: 'Окончание продаж',
    partial: 'Частичная поддержка',
    endOfSupport: 'Окончание поддержки',
    phaseToday: 'Текущая фаза',
    notScheduled: 'Не запланировано',
    phases: {
      GA: {
        name: 'Стандартная поддержка',
        meaning: 'продаётся, с исправлениями и новым кодом при необходимости',
      },
      EOL: { name: 'Окончание продаж', meaning: 'больше не продаётся и не распространяется' },
      PARTIAL_SUPPORT: {
        name: 'Частичная поддержка',
        meaning: 'только известные исправления и обходные пути',
      },
      END_OF_SUPPORT: {
        name: 'Окончание поддержки',
        meaning: 'поддержка не оказывается независимо от договора',
      },
    },
    upcoming: { name: 'Ещё не выпущена', meaning: 'общая доступность с указанной даты' },
    standard: 'Стандартная поддержка',
    standardNotSold: 'Стандартная поддержка, без продаж',
    partialSpan: 'Частичная поддержка',
    today: 'Сегодня',
    timeline: 'Временная шкала',
    table: 'Даты по версиям',
    subscribe: 'Подписаться на эти даты',
    subscribeIntro: 'Добавьте их в свой календарь: он будет следить за каждым изменением.',
    webcal: 'Подписаться в приложении календаря',
    download: 'Скачать файл iCalendar (.ics)',
    none: 'Ни одна версия этого продукта ещё не опубликована.',
    unknownTitle: 'Мы не знаем такого продукта',
    unknown: (p) => `У нас нет жизненного цикла для «${p}». Проверьте название продукта в ссылке.`,
    loading: 'Загрузка…',
    failed: 'Не удалось загрузить даты. Попробуйте ещё раз чуть позже.',
  },
};

export const MESSAGES: Record<Language, Messages> = { en, fr, de, it, es, ru };

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

/** The first of the browser's languages we write in (`fr-CH` → fr), else English. */
export function preferredLanguage(browser: readonly string[]): Language {
  for (const tag of browser) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}

/** A YYYY-MM-DD day written as readers of `language` expect, whatever the browser's time zone. */
export function formatDay(day: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}
