import type { AppContext } from '../ledger/context.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';
import { amountFromJson } from '../platform/money.ts';
import { refuse, succeed, type Outcome } from '../platform/outcome.ts';
import { bonusAccount } from '../play/bonus.ts';
import { accountsOfRound } from '../play/round.ts';
import { processHandler, roundOf } from './handler.ts';
import type { ActionInput, ActionKind, ProcessInput, ProcessResult } from './types.ts';

/** The request body after schema validation (types and bounds checked, amounts still JSON numbers). */
export interface ProcessBody {
  user_id: string;
  currency: string;
  game?: string;
  game_id?: string;
  finished?: boolean;
  actions?: { action: ActionKind; action_id: string; amount?: number; original_action_id?: string }[];
}

export type ProcessAnswer = { balance_minor: bigint } | ({ game_id: string | null } & ProcessResult);

/** SPEC §2: a balance lookup without actions, otherwise the whole batch as one ledger command. */
export async function processRequest(ctx: AppContext, body: ProcessBody): Promise<Outcome<ProcessAnswer>> {
  const actions: ActionInput[] = [];
  for (const [index, action] of (body.actions ?? []).entries()) {
    const parsed = toActionInput(action, index);
    if (!parsed.ok) return parsed;
    actions.push(parsed.value);
  }
  if (!(await ctx.ledger.assetExists(body.currency))) {
    return refuse(PLATFORM_ERRORS.UNKNOWN_ASSET, `currency ${body.currency} is not a known currency.`);
  }
  if (actions.length === 0) return succeed({ balance_minor: await balanceOf(ctx, body.user_id, body.currency) });
  const input: ProcessInput = {
    user_id: body.user_id,
    currency: body.currency,
    game: body.game ?? null,
    game_id: body.game_id ?? null,
    actions,
  };
  const { player, house } = accountsOfRound(roundOf(input));
  const outcome = await ctx.ledger.submit({
    handler: processHandler,
    input,
    accounts: [
      { key: player, create: true },
      { key: house, create: true },
    ],
  });
  return outcome.ok ? succeed({ game_id: input.game_id, ...outcome.value }) : outcome;
}

/** The wallet's balance, durable; a player seen for the first time gets an empty wallet. */
async function balanceOf(ctx: AppContext, user_id: string, currency: string): Promise<bigint> {
  const { player } = accountsOfRound({ player: user_id, currency });
  let account = await ctx.ledger.account(player);
  if (!account) {
    await ctx.ledger.ensureAccounts([player]);
    account = (await ctx.ledger.account(player))!;
  }
  // SPEC §5: the playable total, cash + bonus.
  const bonus = await ctx.ledger.account(bonusAccount(user_id, currency));
  await ctx.ledger.durable();
  return account.balance_minor + (bonus?.balance_minor ?? 0n);
}

function invalid(index: number, field: string, rule: string): Outcome<never> {
  return refuse(PLATFORM_ERRORS.VALIDATION_ERROR, `actions[${index}].${field} ${rule}`);
}

/** The per-kind rules JSON Schema cannot state readably; each message names the field. */
function toActionInput(action: NonNullable<ProcessBody['actions']>[number], index: number): Outcome<ActionInput> {
  const amount_minor = action.amount === undefined ? null : amountFromJson(action.amount);
  if (amount_minor === undefined) return invalid(index, 'amount', 'must be an integer');
  if (action.action === 'rollback') {
    if (action.original_action_id === undefined)
      return invalid(index, 'original_action_id', 'is required for a rollback');
    if (action.original_action_id === action.action_id)
      return invalid(index, 'original_action_id', 'must name another action than action_id');
    return succeed({
      action: 'rollback',
      action_id: action.action_id,
      amount_minor,
      original_action_id: action.original_action_id,
    });
  }
  if (amount_minor === null) return invalid(index, 'amount', `is required for a ${action.action}`);
  if (action.action === 'bet' && amount_minor <= 0n)
    return invalid(index, 'amount', 'must be greater than 0 for a bet');
  return succeed({ action: action.action, action_id: action.action_id, amount_minor, original_action_id: null });
}
