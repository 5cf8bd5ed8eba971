import type { FastifyInstance } from 'fastify';
import { parseQueryDate } from './dates.ts';
import { refusal, refusalBody, UPSTREAM_ERRORS, type UpstreamRefusal } from './errors.ts';
import { TRUTH_HTTP_USERS_MAX } from './limits.ts';
import type { Truth, TruthOptions } from './truth.ts';

/**
 * Test-only endpoints under `/_mock/`, outside the upstream's contract and its budget: the oracle and
 * the counters for a test that runs the mock in another process (`--role transactions-mock`).
 */
export interface Inspectable {
  streamNowMs(): number;
  truth(at_ms: number, options?: TruthOptions): Truth;
  stats(): object;
}

function send(reply: { code(n: number): { send(b: unknown): void } }, r: UpstreamRefusal): void {
  reply.code(UPSTREAM_ERRORS[r.key].http_status).send(refusalBody(r));
}

/** Sums as exact integer digits (a bigint's own text), so even a sum beyond 2^53 cents stays exact. */
export function truthJson(truth: Truth): string {
  const users = [...truth.users.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const rows = users.map(
    ([userId, t]) =>
      `{"userId":${JSON.stringify(userId)},"earned":${t.earned_minor},"spent":${t.spent_minor},` +
      `"payout":${t.payout_minor},"items":${t.items}}`,
  );
  const at = new Date(truth.at_ms).toISOString();
  return `{"at":"${at}","items_total":${truth.items_total},"users":[${rows.join(',')}]}`;
}

export function registerInspection(app: FastifyInstance, mock: Inspectable): void {
  app.get('/_mock/stats', async () => mock.stats());
  // ?at=<date> (default: stream now) sums every item created by then; &visible=true only those visible now.
  app.get('/_mock/truth', (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const now_ms = mock.streamNowMs();
    let at_ms = now_ms;
    if (query.at !== undefined) {
      const parsed = typeof query.at === 'string' ? parseQueryDate(query.at) : undefined;
      if (parsed === undefined) {
        return send(reply, refusal('BAD_REQUEST', 'at must be a date and time as YYYY-MM-DD HH:MM:SS or ISO-8601.'));
      }
      at_ms = parsed;
    }
    if (query.visible !== undefined && query.visible !== 'true' && query.visible !== 'false') {
      return send(reply, refusal('BAD_REQUEST', 'visible must be true or false.'));
    }
    const truth = mock.truth(at_ms, query.visible === 'true' ? { visible_at_ms: now_ms } : {});
    if (truth.users.size > TRUTH_HTTP_USERS_MAX) {
      const message = `The truth has ${truth.users.size} users, more than the ${TRUTH_HTTP_USERS_MAX} listed here.`;
      return send(reply, refusal('BAD_REQUEST', `${message} Use truth() in process.`));
    }
    reply.type('application/json; charset=utf-8').send(truthJson(truth));
  });
}
