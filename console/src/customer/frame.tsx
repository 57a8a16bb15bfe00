/**
 * The frame of the public customer pages: no staff navigation, no sign-in, a header with the
 * language switcher. The language is the browser's (navigator.languages) until the customer
 * picks another, which is remembered in this browser; `<html lang>` and the title follow it.
 */
import Box from '@cloudscape-design/components/box';
import { type ReactNode, useEffect, useId, useState } from 'react';
import {
  isLanguage,
  LANGUAGE_NAMES,
  LANGUAGES,
  type Language,
  MESSAGES,
  type Messages,
  preferredLanguage,
} from './i18n.ts';

const CHOSEN = 'customer.language';

/** The language to write in, and the switcher's setter. */
export function useLanguage(): [Language, (language: Language) => void] {
  const [language, setLanguage] = useState<Language>(() => {
    const chosen = localStorage.getItem(CHOSEN);
    return isLanguage(chosen) ? chosen : preferredLanguage(navigator.languages ?? [navigator.language]);
  });
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const choose = (next: Language) => {
    localStorage.setItem(CHOSEN, next);
    setLanguage(next);
  };
  return [language, choose];
}

export function CustomerFrame({
  language,
  onLanguage,
  title,
  children,
}: {
  language: Language;
  onLanguage(language: Language): void;
  /** The page's title, for the browser tab. */
  title: string;
  children: ReactNode;
}) {
  const t: Messages = MESSAGES[language];
  const id = useId();
  useEffect(() => {
    document.title = `${title} · ${t.site}`;
  }, [title, t.site]);
  return (
    <div
      style={{
        minHeight: '100vh',
        background: '#f8f8f8',
        // Cloudscape's typeface, for the parts of the frame that are plain HTML.
        fontFamily: "'Open Sans', 'Helvetica Neue', Roboto, Arial, sans-serif",
      }}
    >
      <header
        style={{
          background: '#0f141a',
          color: '#ffffff',
          padding: '12px 24px',
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          flexWrap: 'wrap',
          gap: 12,
        }}
      >
        <span style={{ fontSize: 18, fontWeight: 700 }}>{t.site}</span>
        <span style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          <label htmlFor={id}>{t.language}</label>
          <select
            id={id}
            value={language}
            onChange={(e) => isLanguage(e.target.value) && onLanguage(e.target.value)}
            style={{ fontSize: 14, padding: '4px 6px', borderRadius: 6 }}
          >
            {LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </span>
      </header>
      <main style={{ maxWidth: 960, margin: '0 auto', padding: '24px 20px 48px' }}>
        <Box>{children}</Box>
      </main>
    </div>
  );
}
