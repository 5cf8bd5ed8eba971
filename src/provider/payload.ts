import { amountToJson } from '../platform/money.ts';
import type { CallbackResult } from './casino-client.ts';

/** What names a session in every callback: the token and the player, currency and game it binds. */
interface SessionFields {
  session_token: string;
  user_id: string;
  currency: string;
  game_id: string;
}

/** The body of a getBalance callback (and the start of every money callback). */
export function sessionPayload(s: SessionFields): Record<string, unknown> {
  return { sessionToken: s.session_token, userId: s.user_id, currency: s.currency, gameId: s.game_id };
}

/** The body of a debit, credit or rollback callback; `original` names the debit a rollback undoes. */
export function moneyPayload(
  s: SessionFields,
  external_transaction_id: string,
  round_id: string,
  amount_minor: bigint,
  original: string | null,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...sessionPayload(s),
    externalTransactionId: external_transaction_id,
    roundId: round_id,
    amount: amountToJson(amount_minor),
  };
  if (original !== null) body.originalTransactionId = original;
  return body;
}

/** The balance a confirmed callback answered, or undefined (refused, no answer, or no balance). */
export function answeredBalance(result: CallbackResult): number | undefined {
  const balance = result.body?.balance;
  return result.state === 'ok' && typeof balance === 'number' ? balance : undefined;
}
