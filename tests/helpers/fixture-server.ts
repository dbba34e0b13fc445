import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface FixtureServer {
  url: string;
  /** Serves `body` at `path` from now on. */
  serve(path: string, body: string | Uint8Array, contentType?: string, status?: number): void;
}

/** A real HTTP server on loopback serving fixture files, for the HTTP connectors. */
export function useFixtureServer(): FixtureServer {
  const routes = new Map<string, { body: string | Uint8Array; contentType: string; status: number }>();
  let server: Server;
  const fixture = {
    url: '',
    serve(path: string, body: string | Uint8Array, contentType = 'application/json', status = 200) {
      routes.set(path, { body, contentType, status });
    },
  };
  beforeAll(async () => {
    server = createServer((request, response) => {
      const route = routes.get(request.url ?? '');
      if (!route) return void response.writeHead(404).end('not found');
      response.writeHead(route.status, { 'content-type': route.contentType }).end(route.body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    fixture.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));
  return fixture;
}
