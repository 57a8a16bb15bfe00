/**
 * Every value is HTML-escaped in every HTML email, and shown as it is in subjects and text.
 * SES renders templates with Handlebars without escaping; local SES (aws-ses-v2-local)
 * does the same, and its renderer is what renders here: every template, every language,
 * with data the mailer builds from values full of markup.
 */
import { compileTemplateParts } from 'aws-ses-v2-local/dist/v2/renderTemplate.js';
import { describe, expect, it } from 'vitest';
import { escapeHtml, templateData } from '../../functions/adapters/mailer.ts';
import { LANGUAGES } from '../../functions/core/identifiers.ts';
import { EMAIL_TEMPLATES, readEscapedValues } from '../../templates/email/index.ts';

const MARKUP = `<script>alert(1)</script> <img src=x onerror=alert(1)> "quotes" & 'apostrophes'`;
/** A value of its own per field, so each one is found where it belongs. */
const evil = (field: string) => `${field}: ${MARKUP}`;

/** The fields a template reads, as written (before the HTML part is rewritten): top level, and per list. */
function fieldsOf(...sources: string[]) {
  const top = new Set<string>();
  const lists = new Map<string, Set<string>>();
  for (const source of sources) {
    let list: Set<string> | undefined;
    for (const [, expression] of source.matchAll(/\{\{([^{}]*)\}\}/g)) {
      const e = expression!.trim().replace(/^html\./, '');
      const each = /^#each\s+(?:html\.)?(\w+)$/.exec(e);
      if (each) {
        list = lists.get(each[1]!) ?? new Set();
        lists.set(each[1]!, list);
      } else if (e === '/each') list = undefined;
      else (list ?? top).add(e);
    }
  }
  return { top, lists };
}

/** Data for a template: every field, top level and in two items of every list, full of markup. */
function dataFor(t: (typeof EMAIL_TEMPLATES)[number]) {
  const { top, lists } = fieldsOf(t.subject, t.text, t.html);
  const data: Record<string, unknown> = {};
  for (const f of top) data[f] = evil(f);
  for (const [name, fields] of lists)
    data[name] = [1, 2].map((n) =>
      Object.fromEntries([...fields].map((f) => [f, evil(`${name}[${n}].${f}`)])),
    );
  return { data };
}

/** What the mailer sends, rendered as (local) SES renders it. */
const render = (t: (typeof EMAIL_TEMPLATES)[number], data: Record<string, unknown>) =>
  compileTemplateParts({ Subject: t.subject, Text: t.text, Html: t.html })(
    JSON.parse(JSON.stringify(templateData(data))),
  );

/** Every value of `data` a part reads (list items included), as rendered in that part. */
function valuesIn(source: string): string[] {
  const { top, lists } = fieldsOf(source);
  return [
    ...[...top].map(evil),
    ...[...lists].flatMap(([name, fields]) =>
      [1, 2].flatMap((n) => [...fields].map((f) => evil(`${name}[${n}].${f}`))),
    ),
  ];
}

describe.each(EMAIL_TEMPLATES.map((t) => [`${t.template}-${t.language}`, t] as const))('%s', (_, t) => {
  const { data } = dataFor(t);
  const out = render(t, data);

  it('has every value in the HTML part escaped: no markup from the data survives', () => {
    expect(valuesIn(t.html).length).toBeGreaterThan(0);
    expect(out.html).not.toMatch(/<script|<img|onerror=|"quotes"|'apostrophes'| & /i);
    // Every value is there, escaped once (no `&amp;lt;`).
    for (const value of valuesIn(t.html)) expect(out.html, value).toContain(escapeHtml(value));
    expect(out.html).not.toContain('&amp;lt;');
  });

  it('shows every value as it is in the text part and the subject', () => {
    expect(valuesIn(t.text).length).toBeGreaterThan(0);
    for (const value of valuesIn(t.text)) expect(out.text, value).toContain(value);
    expect(out.text).not.toMatch(/&amp;|&lt;|&gt;|&quot;|&#x27;/);
    for (const value of valuesIn(t.subject)) expect(out.subject, value).toContain(value);
    expect(out.subject).not.toMatch(/&amp;|&lt;|&gt;|&quot;|&#x27;/);
  });
});

describe('every HTML part', () => {
  it('is checked here for every template in each of the six languages', () => {
    const languages = new Set(EMAIL_TEMPLATES.map((t) => t.language));
    expect([...languages]).toEqual([...LANGUAGES]);
    for (const template of new Set(EMAIL_TEMPLATES.map((t) => t.template)))
      expect(EMAIL_TEMPLATES.filter((t) => t.template === template)).toHaveLength(LANGUAGES.length);
  });

  it('reads only the escaped copies of the values', () => {
    for (const t of EMAIL_TEMPLATES) {
      let depth = 0;
      for (const [, expression] of t.html.matchAll(/\{\{([^{}]*)\}\}/g)) {
        const e = expression!.trim();
        if (e.startsWith('#each')) {
          if (depth++ === 0) expect(e, t.template).toMatch(/^#each html\.\w+$/);
        } else if (e === '/each') depth--;
        else if (depth === 0) expect(e, `${t.template}-${t.language}`).toMatch(/^html\.\w+$/);
      }
      expect(t.html).not.toContain('{{{');
    }
  });

  it('refuses, when loaded, what it cannot escape', () => {
    expect(readEscapedValues('<p>{{a}}{{#each l}}{{b}}{{/each}}</p>')).toBe(
      '<p>{{html.a}}{{#each html.l}}{{b}}{{/each}}</p>',
    );
    for (const bad of [
      '{{{a}}}',
      '{{#each l}}{{../a}}{{/each}}',
      '{{@root.a}}',
      '{{#if a}}x{{/if}}',
      '{{#each l}}',
    ])
      expect(() => readEscapedValues(bad), bad).toThrow();
  });
});

describe('the template data the mailer sends', () => {
  it('keeps the values as they are, and adds escaped copies of every string under html', () => {
    const data = {
      contactName: MARKUP,
      major: 12,
      count: 2,
      flag: true,
      nothing: null,
      products: [{ product: '<b>', version: '12.0', serialNumber: "a'b" }],
      html: 'ignored: reserved',
    };
    expect(templateData(data)).toEqual({
      contactName: MARKUP,
      major: 12,
      count: 2,
      flag: true,
      nothing: null,
      products: [{ product: '<b>', version: '12.0', serialNumber: "a'b" }],
      html: {
        contactName:
          '&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &quot;quotes&quot; &amp; &#x27;apostrophes&#x27;',
        major: 12,
        count: 2,
        flag: true,
        nothing: null,
        products: [{ product: '&lt;b&gt;', version: '12.0', serialNumber: 'a&#x27;b' }],
      },
    });
  });
});
