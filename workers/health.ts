/**
 * The worker's `/healthz` for orchestrators (docker-compose, Kubernetes probes): 200
 * while the Worker polls its task queue, 503 while it starts, drains or has stopped.
 * Temporal's own metrics endpoint cannot say that: it is up before the first poll.
 */
import { createServer, type Server } from 'node:http';

export async function startHealthServer(host: string, port: number, state: () => string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/healthz') {
      response.writeHead(404).end();
      return;
    }
    const current = state();
    response.writeHead(current === 'RUNNING' ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ state: current }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
