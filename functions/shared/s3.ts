/** The S3 client, created once per container (endpoint: AWS_ENDPOINT_URL_S3 locally, path-style there). */
import { S3Client } from '@aws-sdk/client-s3';

// A local endpoint on 127.0.0.1 has no bucket subdomains: address buckets in the path.
export const s3Client = new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });
