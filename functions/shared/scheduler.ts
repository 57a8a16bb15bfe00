/** The EventBridge Scheduler client, created once per container (endpoint: AWS_ENDPOINT_URL_SCHEDULER locally). */
import { SchedulerClient } from '@aws-sdk/client-scheduler';

export const schedulerClient = new SchedulerClient({});
