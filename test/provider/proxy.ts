import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fault-injecting HTTP proxy between the provider and the casino:
 *  - forward: pass the call and its answer;
 *  - drop: pass the call (the casino applies it) and cut the connection instead of answering;
 *  - swallow: cut the connection without passing the call (the casino never sees it).
 */
export type Verdict = 'forward' | 'drop' | 'swallow';

export interface Proxy {
  url: string;
  target: string;
  policy: (path: string, body: string) => Verdict;
  seen: { path: string; verdict: Verdict }[];
  close(): Promise<void>;
}

export async function startProxy(): Promise<Proxy> {
  const proxy: Proxy = { url: '', target: '', policy: () => 'forward', seen: [], close: async () => {} };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      const verdict = proxy.policy(path, body);
      proxy.seen.push({ path, verdict });
      if (verdict === 'swallow') {
        request.socket.destroy();
        return;
      }
      const upstream = await fetch(new URL(path, proxy.target), {
        method: request.method,
        body: request.method === 'GET' ? undefined : body,
        headers: Object.fromEntries(
          Object.entries(request.headers).filter(([k]) => ['content-type', 'x-casino-signature'].includes(k)) as [
            string,
            string,
          ][],
        ),
      }).catch(() => undefined);
      if (!upstream || verdict === 'drop') {
        if (upstream) await upstream.text();
        request.socket.destroy();
        return;
      }
      const text = await upstream.text();
      response.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      });
      response.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
