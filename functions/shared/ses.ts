/** The SES v2 client, created once per container (endpoint: AWS_ENDPOINT_URL_SESV2 locally). */
import { SESv2Client } from '@aws-sdk/client-sesv2';

export const sesClient = new SESv2Client({});
