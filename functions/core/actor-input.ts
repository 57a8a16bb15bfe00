/**
 * The actor as a workflow's Task receives it from the HTTP handler that started the run:
 * checked again like the request, since anyone allowed to start the workflow could start it.
 */
import { type Actor, ROLES } from './actors.ts';
import { Text } from './identifiers.ts';
import * as z from './zod.ts';

export const ActorInput: z.ZodMiniType<Actor> = z.strictObject({
  subject: Text(256),
  role: z.enum([...ROLES, 'customer', 'service']),
  name: z.optional(Text(256)),
});
