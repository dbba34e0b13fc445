import autocannon from 'autocannon';

export interface LoadResult {
  name: string;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * autocannon 8 decodes every response body into a string (`req.body += chunk` in its request queue).
 * On a compressed body of tens of kilobytes, such as the map's outlines, that decoding costs the client
 * more than the server spends answering, and the bench would measure its own client. Bodies are never
 * checked here, so each connection drops them.
 */
function dropBodies(client: autocannon.Client): void {
  (client as unknown as { pipelinedRequests: { addBody(data: Buffer): void } }).pipelinedRequests.addBody = () => {};
}

/** Drives one URL with autocannon and computes exact latency percentiles from every response. */
export async function load(
  name: string,
  url: string,
  options: { connections: number; seconds: number; headers?: Record<string, string>; /** A different path for each request. */ paths?: () => string },
): Promise<LoadResult> {
  const latencies: number[] = [];
  const next = options.paths;
  const requests = next ? [{ setupRequest: (request: { path: string }) => ({ ...request, path: next() }) }] : undefined;
  const result = await new Promise<autocannon.Result>((done, fail) => {
    const instance = autocannon(
      {
        url,
        connections: options.connections,
        duration: options.seconds,
        headers: options.headers ?? {},
        setupClient: dropBodies,
        ...(requests ? { requests: requests as never } : {}),
      },
      (error, finished) => (error ? fail(error) : done(finished)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  latencies.sort((a, b) => a - b);
  return {
    name,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.total / options.seconds),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export function formatTable(results: LoadResult[]): string {
  const header = ['scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'non-2xx'];
  const rows = results.map((r) => [
    r.name,
    String(r.requestsPerSecond),
    r.p50.toFixed(2),
    r.p95.toFixed(2),
    r.p99.toFixed(2),
    String(r.errors),
    String(r.non2xx),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows].map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}
