import { SEAMLESS_ERRORS } from './errors.ts';
import { refuse } from '../platform/outcome.ts';
import { SESSION_SETTLE_GRACE_MS } from './limits.ts';
import type { Session } from './types.ts';

/** What a call says about itself, checked against the session its token names. */
export interface SessionClaim {
  user_id: string;
  currency: string;
  /** null: the call names no game (allowed). */
  game_id: string | null;
}

/**
 * Why a call may not use this session, or undefined: unknown, bound to another player, currency or
 * game, or expired. `settling` calls (credits, rollbacks) may still finish their rounds for
 * SESSION_SETTLE_GRACE_MS after expiry; debits and balance calls may not.
 */
export function sessionRefusal(
  session: Session | null | undefined,
  claim: SessionClaim,
  now_ms: number,
  settling: boolean,
) {
  const invalid = (why: string) => refuse(SEAMLESS_ERRORS.SEAMLESS_INVALID_SESSION, `sessionToken ${why}.`);
  if (!session) return invalid('is unknown');
  if (session.user_id !== claim.user_id) return invalid('is bound to another userId');
  if (session.currency !== claim.currency) return invalid('is bound to another currency');
  if (claim.game_id !== null && session.game_id !== claim.game_id) return invalid('is bound to another gameId');
  const expires_ms = session.expires_at.getTime();
  if (now_ms < expires_ms) return undefined;
  if (!settling || now_ms >= expires_ms + SESSION_SETTLE_GRACE_MS)
    return invalid(`expired at ${session.expires_at.toISOString()}`);
  return undefined;
}
