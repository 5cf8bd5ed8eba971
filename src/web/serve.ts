import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { textResponse } from '../platform/http-schemas.ts';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build:web` (vite) writes the back office. */
export const WEB_DIST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'dist');

// The page holds an API key in sessionStorage: only our own scripts may run, nobody may frame it.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Croupier back office — not built</title></head>
<body><main><h1>Croupier back office</h1>
<p>The web page has not been built yet. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it first), then reload.</p>
<p>The API is running: see <a href="/docs">/docs</a>.</p></main></body></html>
`;

/**
 * The back office (SPEC §8): `/` is the page, `/assets/*` its hashed bundles. No API key here —
 * the page asks for it and sends it on every API call. Missing build → a page saying how to build.
 */
export async function backOfficeRoutes(app: FastifyInstance, dist_dir: string = WEB_DIST_DIR): Promise<void> {
  await app.register(fastifyStatic, {
    root: path.join(dist_dir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    // File names carry a content hash: a changed file is a new URL.
    maxAge: '365d',
    immutable: true,
  });
  app.get(
    '/',
    {
      schema: {
        summary: 'Back office web page',
        tags: ['back office'],
        security: [],
        response: {
          200: textResponse(
            'text/html',
            'The single-page back office; it asks for an operator API key and calls this API with it.',
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Croupier back office</title>…',
          ),
        },
      },
    },
    async (_request, reply) => {
      reply.headers(SECURITY_HEADERS).header('cache-control', 'no-cache').type('text/html; charset=utf-8');
      return (await readIndex(dist_dir)) ?? NOT_BUILT_PAGE;
    },
  );
}

/** Read per request (it is small), so a build made while the server runs is picked up. */
async function readIndex(dist_dir: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path.join(dist_dir, 'index.html'), 'utf8');
  } catch {
    return undefined;
  }
}
