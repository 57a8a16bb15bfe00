/**
 * `npm run emails:build`: compiles every template's MJML into the responsive HTML SES
 * keeps (templates/email/generated/, committed, so synth and the local stack need no
 * compiler). test/unit/email-rendering.test.ts fails when a generated file is out of date.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// @ts-expect-error mjml ships no types: mjml2html(source, options) resolves to { html, errors }.
import mjml2html from 'mjml';
import { EMAIL_SOURCES, type EmailSource, GENERATED_DIR, generatedFileName } from './sources.ts';

interface MjmlResult {
  html: string;
  errors: Array<{ formattedMessage: string }>;
}

/** A template's HTML as MJML compiles it; an MJML error (an unknown tag, a bad attribute) fails the build. */
export async function compileHtml(source: EmailSource): Promise<string> {
  const out = (await mjml2html(source.mjml, {
    validationLevel: 'strict',
    keepComments: false,
  })) as MjmlResult;
  if (out.errors.length)
    throw new Error(`${generatedFileName(source)}: ${out.errors.map((e) => e.formattedMessage).join('; ')}`);
  return `${out.html.trim()}\n`;
}

async function build(): Promise<void> {
  const dir = fileURLToPath(GENERATED_DIR);
  const wanted = new Set(EMAIL_SOURCES.map(generatedFileName));
  for (const file of readdirSync(dir)) if (!wanted.has(file)) rmSync(`${dir}${file}`);
  for (const source of EMAIL_SOURCES) {
    const html = await compileHtml(source);
    writeFileSync(`${dir}${generatedFileName(source)}`, html);
    console.log(`${generatedFileName(source)} ${Buffer.byteLength(html)} bytes`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
