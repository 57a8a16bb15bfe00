/**
 * Every email template, in every language. CDK deploys them as SES templates and
 * the local stack loads them into local SES with CreateEmailTemplate (v2). The HTML part
 * is the one MJML compiled (`npm run emails:build`, templates/email/generated/).
 */
import { readFileSync } from 'node:fs';
import { EMAIL_SOURCES, GENERATED_DIR, generatedFileName } from './sources.ts';

export interface EmailTemplate {
  template: string;
  language: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * SES renders templates with Handlebars but does not HTML-escape `{{x}}` in the HTML part
 * (its guide: "SES doesn't escape HTML content"), nor does local SES: a name like
 * `<script>` would go into the HTML as markup. So the mailer sends every value twice
 * (functions/adapters/mailer.ts `templateData`): as it is, for the subject and the text,
 * and HTML-escaped under `html`. Every HTML part is rewritten here to read only the
 * escaped copies, so that no template can forget one: `{{contactName}}` becomes
 * `{{html.contactName}}` and `{{#each products}}` becomes `{{#each html.products}}`, whose
 * items are escaped copies too. Anything else (`{{{x}}}`, `../`, `@root`, other helpers)
 * is refused, rather than let through unescaped.
 */
export function readEscapedValues(html: string): string {
  let depth = 0; // inside how many `#each`: there the context is already an escaped item
  const rewritten = html.replace(/\{\{(\{?)([^{}]*)(\}?)\}\}/g, (whole, open, inner, close) => {
    const expression = (inner as string).trim();
    if (open || close) throw new Error(`an HTML template may not use raw {{{x}}}: ${whole}`);
    const each = /^#each\s+([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)$/.exec(expression);
    if (each) return depth++ === 0 ? `{{#each html.${each[1]}}}` : whole;
    if (expression === '/each' && depth > 0) {
      depth--;
      return whole;
    }
    if (/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/.test(expression))
      return depth === 0 ? `{{html.${expression}}}` : whole;
    throw new Error(`an HTML template may only use {{name}} and {{#each name}}: ${whole}`);
  });
  if (depth !== 0) throw new Error('an HTML template leaves an {{#each}} open');
  return rewritten;
}

/** The compiled HTML of a template, as committed (before its values are made to read escaped copies). */
export const generatedHtml = (t: Pick<EmailTemplate, 'template' | 'language'>): string =>
  readFileSync(new URL(generatedFileName(t), GENERATED_DIR), 'utf8');

export const EMAIL_TEMPLATES: readonly EmailTemplate[] = EMAIL_SOURCES.map(
  ({ template, language, subject, text }) => ({
    template,
    language,
    subject,
    text,
    html: readEscapedValues(generatedHtml({ template, language })),
  }),
);
