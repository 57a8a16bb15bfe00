/**
 * `npm start` — the local stack, until Ctrl-C.
 *   npm start -- --in-memory   keep no data on disk
 *   PORT, SES_PORT, DYNAMODB_PORT choose the ports (3000, 8005, 8000).
 */
import { startLocalStack } from './stack.ts';

const started = Date.now();
const port = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name}=${process.env[name]} is not a port number`);
    process.exit(2);
  }
  return value;
};
const inMemory = process.argv.includes('--in-memory');

try {
  const stack = await startLocalStack({
    port: port('PORT', 3000),
    sesPort: port('SES_PORT', 8005),
    dynamodb: { port: port('DYNAMODB_PORT', 8000) },
    inMemory,
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`
Entitlement service — local stack ready in ${seconds} s${inMemory ? ' (in memory: nothing is kept)' : ' (data kept in .local/)'}
  API       ${stack.apiUrl}          try: curl -X POST ${stack.apiUrl}/registrations -H 'content-type: application/json' -d @examples/registration.json
  Mailbox   ${stack.sesUrl}          (JSON at ${stack.sesUrl}/store)
  DynamoDB  ${stack.dynamodbEndpoint}  table ${stack.tableName}
  Clock     ${stack.apiUrl}/_local/clock   now ${stack.clock.now().toISOString()}
Ctrl-C stops it.`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  console.error(`The local stack could not start: ${(error as Error).message}`);
  process.exit(1);
}
