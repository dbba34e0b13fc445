import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import type { Response } from 'superagent';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { webDistDir } from '../../server/src/paths.ts';
import { useTestApp } from '../helpers/app.ts';

const ctx = useTestApp();
/** The body as it came over the wire, for supertest's `parse`. */
const rawBody = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};
const decoded = (body: Buffer) => {
  try {
    return brotliDecompressSync(body).toString('utf8');
  } catch {
    return body.toString('utf8');
  }
};
// `npm test` builds the SPA first (pretest), as `npm start` does.
const stylesheet = readdirSync(join(webDistDir, 'assets')).find((f) => /^index-.*\.css$/.test(f))!;

describe('the SPA as a browser downloads it', () => {
  it('sends hashed assets Brotli- or gzip-compressed as built, cached for a year', async () => {
    const url = `/assets/${stylesheet}`;
    const plain = await request(ctx.app.server).get(url).set('accept-encoding', 'identity').expect(200);
    const br = await request(ctx.app.server).get(url).set('accept-encoding', 'br, gzip').buffer(true).parse(rawBody);
    expect(br.headers['content-encoding']).toBe('br');
    expect(Number(br.headers['content-length'] ?? (br.body as Buffer).length)).toBeLessThan(plain.text.length / 4);
    const gz = await request(ctx.app.server).get(url).set('accept-encoding', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.text).toBe(plain.text);
    for (const res of [plain, br, gz]) expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('sends each page’s index.html compressed to a browser that accepts it, and whole to one that does not', async () => {
    for (const path of ['/', '/territorio', '/territorio?provincia=CR', '/bandi/abc']) {
      const plain = await request(ctx.app.server).get(path).set('accept-encoding', 'identity').expect(200);
      expect(plain.headers['content-encoding'], path).toBeUndefined();
      expect(plain.text, path).toContain('<div id="app">');
      const br = await request(ctx.app.server).get(path).set('accept-encoding', 'gzip, br').buffer(true).parse(rawBody);
      expect(br.headers['content-encoding'], path).toBe('br');
      expect(br.headers['content-type'], path).toBe('text/html; charset=utf-8');
      expect(br.headers['vary'], path).toContain('accept-encoding');
      // The HTTP client may already have decoded the body; the length on the wire is the compressed one.
      expect(Number(br.headers['content-length']), path).toBeLessThan(plain.text.length / 2);
      expect(decoded(br.body as Buffer), path).toBe(plain.text);
    }
  });

  it('names a PNG icon that the server sends (an SVG one costs the browser a whole SVG document on the main thread at load)', async () => {
    const page = await request(ctx.app.server).get('/').expect(200);
    const href = /<link rel="icon"[^>]*href="([^"]+)"/.exec(page.text)?.[1];
    expect(href).toBe('/favicon.png');
    const icon = await request(ctx.app.server).get(href!).buffer(true).parse(rawBody).expect(200);
    expect(icon.headers['content-type']).toBe('image/png');
    expect((icon.body as Buffer).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('never lets a browser keep a stale index.html', async () => {
    for (const path of ['/', '/bandi', '/index.html']) {
      const res = await request(ctx.app.server).get(path).set('accept-encoding', 'br, gzip');
      expect(res.status, path).toBe(200);
      expect(res.headers['cache-control'], path).toBe('no-cache');
    }
  });

  it('names a lazily loaded page’s own modules in its index.html, so they arrive beside the entry script', async () => {
    const routes = JSON.parse(readFileSync(join(webDistDir, 'route-preloads.json'), 'utf8')) as { path: string; modules: string[]; data: string[] }[];
    const territory = routes.find((r) => r.path === '/territorio')!;
    const call = routes.find((r) => r.path === '/bandi/:id')!;
    expect(territory.modules[0]).toMatch(/^\/assets\/TerritoryView-.*\.js$/);
    const page = await request(ctx.app.server).get('/territorio').expect(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-cache');
    for (const href of territory.modules) expect(page.text).toContain(`<link rel="modulepreload" crossorigin href="${href}">`);
    // Its data too, with the very URLs the page requests; every page's session check is answered in the page itself.
    for (const href of ['/api/v1/territory/comuni', '/api/v1/territory/outlines', '/api/v1/territory/funds'])
      expect(page.text).toContain(`<link rel="preload" as="fetch" crossorigin="anonymous" href="${href}">`);
    expect(page.text).toContain('<script id="first-answers" type="application/json">{"complete":false,"answers":{"/api/v1/auth/session":');
    // The TopoJSON is for reuse elsewhere: the page draws the outlines the server projected.
    expect(page.text).not.toContain('href="/api/v1/territory/boundaries"');
    // Opened with a filter, the page asks for other answers: only its code is preloaded.
    const filtered = await request(ctx.app.server).get('/territorio?provincia=CR').expect(200);
    expect(filtered.text).toContain(`<link rel="modulepreload" crossorigin href="${territory.modules[0]}">`);
    expect(filtered.text).not.toContain('href="/api/v1/territory/funds"');
    expect(page.text).not.toContain(call.modules[0]);
    // A call's page, whatever its id; the front door keeps the plain index.html (its view is in the entry).
    expect((await request(ctx.app.server).get('/bandi/7d1c1b5e-0000-4000-8000-000000000000').expect(200)).text).toContain(call.modules[0]);
    const home = await request(ctx.app.server).get('/').expect(200);
    const built = readFileSync(join(webDistDir, 'index.html'), 'utf8');
    // The built index.html preloads the session check (for `vite dev`); the server answers it in the page instead.
    const sessionPreload = '<link rel="preload" as="fetch" crossorigin="anonymous" href="/api/v1/auth/session">';
    expect(built.match(new RegExp(sessionPreload, 'g'))).toHaveLength(1);
    expect(home.text.replace(/<script id="first-answers"[^]*?<\/script>/, '')).toBe(built.replace(sessionPreload, ''));
    expect(home.text).not.toContain('/api/v1/territory/');
    for (const asset of territory.modules) await request(ctx.app.server).get(asset).expect(200);
  });

  it('compresses API answers for clients that accept it, and leaves small ones as they are', async () => {
    const plain = await request(ctx.app.server).get('/api/v1/themes').set('accept-encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    // inject() hands over the bytes as sent; supertest would decompress them.
    const br = await ctx.app.inject({ url: '/api/v1/themes', headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('accept-encoding');
    expect(br.rawPayload.length).toBeLessThan(Buffer.byteLength(plain.text) / 3);
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString('utf8'))).toEqual(plain.body);
    const small = await request(ctx.app.server).get('/api/v1/status').set('accept-encoding', 'br, gzip').expect(200);
    expect(small.headers['content-encoding']).toBeUndefined();
  });
});
