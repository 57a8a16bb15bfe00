/**
 * Every SDK client in one import, for tests and tools. Handlers import the one module
 * they need (./dynamodb.ts, ./ses.ts, ./sfn.ts) so their cold start loads nothing more.
 */
export { documentClient } from './dynamodb.ts';
export { sesClient } from './ses.ts';
export { sfnClient } from './sfn.ts';
