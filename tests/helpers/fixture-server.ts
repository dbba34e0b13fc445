import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface FixtureServer {
  url: string;
  /** Serves `body` at `path` from now on. */
  serve(path: string, body: string | Uint8Array, contentType?: string, status?: number): void;
  /** Answers `path` with a handler of its own (redirects, endless bodies). */
  handle(path: string, handler: Handler): void;
}

/** A real HTTP server on loopback (127.0.0.1 unless told) serving fixture files, for the HTTP connectors. */
export function useFixtureServer(host = '127.0.0.1'): FixtureServer {
  const routes = new Map<string, Handler>();
  let server: Server;
  const fixture = {
    url: '',
    serve(path: string, body: string | Uint8Array, contentType = 'application/json', status = 200) {
      routes.set(path, (_request, response) => response.writeHead(status, { 'content-type': contentType }).end(body));
    },
    handle(path: string, handler: Handler) {
      routes.set(path, handler);
    },
  };
  beforeAll(async () => {
    server = createServer((request, response) => {
      const route = routes.get(request.url ?? '');
      if (!route) return void response.writeHead(404).end('not found');
      route(request, response);
    });
    await new Promise<void>((done) => server.listen(0, host, done));
    fixture.url = `http://${host}:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((done) => server.close(() => done()));
  });
  return fixture;
}
