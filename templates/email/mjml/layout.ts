/**
 * The one page every email's HTML is built from, in MJML (compiled to HTML for Outlook,
 * Gmail and phones by `npm run emails:build`, see ../build.ts). Words come in from each
 * template; values stay Handlebars placeholders, which MJML leaves as they are.
 */

/** An email before it is compiled: its subject and text part as SES renders them, and its body in MJML. */
export interface EmailSource {
  template: string;
  language: string;
  subject: string;
  text: string;
  mjml: string;
}

export const paragraph = (html: string) => `<mj-text>${html}</mj-text>`;

/** What a call to action is for, under it: smaller and muted, a sentence of its own. */
export const note = (html: string) =>
  `<mj-text font-size="13px" color="#555555" padding-top="0">${html.charAt(0).toUpperCase()}${html.slice(1)}.</mj-text>`;

/** A call to action: its visible text is a whole phrase, its URL a placeholder from the notice's data. */
export const button = (url: string, phrase: string) =>
  `<mj-button href="{{${url}}}" align="left">${phrase}</mj-button>`;

/** A secondary call to action, as a link in a sentence of its own. */
export const link = (url: string, phrase: string) =>
  `<mj-text><a href="{{${url}}}" style="color:#0b5cad">${phrase}</a></mj-text>`;

export function page(options: {
  language: string;
  preview: string;
  body: string[];
  footer: string[];
}): string {
  return `<mjml lang="${options.language}">
  <mj-head>
    <mj-preview>${options.preview}</mj-preview>
    <mj-attributes>
      <mj-all font-family="Arial, Helvetica, sans-serif" />
      <mj-text font-size="15px" line-height="22px" color="#1a1a1a" padding="6px 24px" />
      <mj-button background-color="#0b5cad" color="#ffffff" font-size="15px" border-radius="4px" inner-padding="12px 20px" padding="12px 24px" />
      <mj-table font-size="14px" line-height="20px" color="#1a1a1a" padding="6px 24px" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f2f4f7" width="640px">
    <mj-section background-color="#ffffff" border-top="4px solid #0b5cad" padding="18px 0">
      <mj-column>
        ${options.body.join('\n        ')}
      </mj-column>
    </mj-section>
    <mj-section padding="12px 0">
      <mj-column>
        ${options.footer.map((f) => `<mj-text font-size="12px" line-height="17px" color="#666666">${f}</mj-text>`).join('\n        ')}
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}
