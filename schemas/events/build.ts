/**
 * Writes the JSON Schema of every domain event's detail from the zod schemas of
 * functions/core/events.ts: `npx tsx schemas/events/build.ts && npx biome format --write schemas/events`. A unit test fails when the
 * committed files and the zod schemas differ.
 */
import { writeFileSync } from 'node:fs';
import { DETAIL_TYPES, eventJsonSchema } from '../../functions/core/events.ts';

export const schemaFile = (detailType: string) => new URL(`./${detailType}.json`, import.meta.url);
export const schemaText = (detailType: (typeof DETAIL_TYPES)[number]) =>
  `${JSON.stringify(eventJsonSchema(detailType), null, 2)}\n`;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string))
  for (const detailType of DETAIL_TYPES) writeFileSync(schemaFile(detailType), schemaText(detailType));
