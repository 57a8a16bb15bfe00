/**
 * A local stand-in for an AWS service endpoint on 127.0.0.1: each request is handled once
 * its body has been read whole. The SDK reaches it through `AWS_ENDPOINT_URL_<SERVICE>`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type EndpointHandler = (req: IncomingMessage, body: string, res: ServerResponse) => unknown;

/** Listens on `port` (0: a free one); the server and its URL. */
export async function serveEndpoint(
  port: number,
  handle: EndpointHandler,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => handle(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

export function closeEndpoint(server: Server | undefined): Promise<void> {
  return new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}
