import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signatureMatches } from '../../src/platform/hmac.ts';

/**
 * A tiny in-memory stand-in for the aggregator endpoint (SPEC §2 subset: bet, win, idempotency on
 * action_id, balance without actions) and the wallet top-up (SPEC §4), so the generator and the
 * consistency check can be tested without the real server. Faults can be switched on to prove the
 * check catches them.
 */
export interface FakeOptions {
  secret?: string;
  /** Serve POST /v1/wallets/{id}/topup. */
  topup?: boolean;
  /** Every n-th money request is applied, then its connection is destroyed without an answer. */
  drop_after_apply_every?: number;
  /** Every n-th money request is answered 200 but its win is credited twice (a server bug). */
  double_win_every?: number;
  /** Every n-th money request is answered 503 without being applied. */
  refuse_503_every?: number;
}

export interface Fake {
  url: string;
  /** The fault switches, mutable: turn them off before the replay and balance reads. */
  faults: FakeOptions;
  balances: Map<string, number>;
  money_requests: number;
  close(): Promise<void>;
}

interface Action {
  action: string;
  action_id: string;
  amount?: number;
}

export async function startFakeAggregator(options: FakeOptions = {}): Promise<Fake> {
  const secret = options.secret ?? 'test';
  const faults: FakeOptions = { ...options };
  const balances = new Map<string, number>();
  const processed = new Map<string, string>();
  const state = { money_requests: 0 };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.url === '/ready') return send(200, { status: 'ready' });
      const topup = /^\/v1\/wallets\/([^/]+)\/topup$/.exec(request.url ?? '');
      if (topup && options.topup && request.method === 'POST') {
        if (request.headers.authorization !== 'Bearer dev-admin-key')
          return send(401, { code: 'UNAUTHORIZED', message: 'bad key' });
        const id = decodeURIComponent(topup[1]);
        const { amount } = JSON.parse(raw.toString('utf8')) as { amount: number };
        balances.set(id, (balances.get(id) ?? 0) + amount);
        return send(201, { transactionId: 't', playerId: id, asset: 'USD', amount, balance: balances.get(id) });
      }
      if (request.url !== '/aggregator/takehome/process' || request.method !== 'POST')
        return send(404, { code: 'NOT_FOUND', message: 'no endpoint' });
      const header = request.headers.authorization;
      if (!header?.startsWith('HMAC-SHA256 ') || !signatureMatches(secret, raw, header.slice(12)))
        return send(403, { code: 403, message: 'bad signature' });
      const body = JSON.parse(raw.toString('utf8')) as { user_id: string; game_id: string; actions?: Action[] };
      const balance = balances.get(body.user_id) ?? 0;
      if (!body.actions) return send(200, { balance });
      state.money_requests += 1;
      const n = state.money_requests;
      if (faults.refuse_503_every && n % faults.refuse_503_every === 0)
        return send(503, { code: 'BUSY', message: 'try again' });
      let next = balance;
      const transactions = body.actions.map((a) => {
        const seen = processed.get(a.action_id);
        if (seen) return { action_id: a.action_id, tx_id: seen };
        if (a.action === 'bet') next -= a.amount!;
        if (a.action === 'win')
          next += a.amount! * (faults.double_win_every && n % faults.double_win_every === 0 ? 2 : 1);
        return { action_id: a.action_id, tx_id: `tx-${a.action_id}` };
      });
      if (next < 0) return send(400, { code: 100, message: 'Player has not enough funds to process an action' });
      for (const t of transactions) processed.set(t.action_id, t.tx_id);
      balances.set(body.user_id, next);
      if (faults.drop_after_apply_every && n % faults.drop_after_apply_every === 0) return request.socket.destroy();
      send(200, { game_id: body.game_id, transactions, balance: next });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    balances,
    get money_requests() {
      return state.money_requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
