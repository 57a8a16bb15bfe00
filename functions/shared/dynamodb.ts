/**
 * The DynamoDB document client, created once per container. One module per SDK client,
 * so a function loads only the clients it uses: each costs tens of ms at cold start.
 * The endpoint comes from the SDK's own AWS_ENDPOINT_URL_DYNAMODB, which the local stack sets.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
