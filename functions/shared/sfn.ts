/** The Step Functions client, created once per container (endpoint: AWS_ENDPOINT_URL_SFN locally). */
import { SFNClient } from '@aws-sdk/client-sfn';

// StartSyncExecution prefixes the host with "sync-"; a custom (local) endpoint has no such host.
export const sfnClient = new SFNClient({ disableHostPrefix: Boolean(process.env.AWS_ENDPOINT_URL_SFN) });
