import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.ts';
import type { TransactionSql } from '../../src/db/sql.ts';
import { loadActions } from '../../src/aggregator/store.ts';
import { createTestDatabase } from '../support/db.ts';

test("migration 093 moves bets' splits onto their protocol rows and keeps the win splits", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'croupier-migrations-'));
  for (const file of fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && f < '093'))
    fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
  const before = await createTestDatabase(dir);
  try {
    const grant = '00000000-0000-7000-8000-00000000a001';
    const bet_tx = '00000000-0000-7000-8000-00000000b001';
    const cash_bet_tx = '00000000-0000-7000-8000-00000000b002';
    const debit_tx = '00000000-0000-7000-8000-00000000b003';
    const win_tx = '00000000-0000-7000-8000-00000000b004';
    const at = new Date('2026-11-30T10:00:00Z');
    await before.sql`
      insert into aggregator_actions (action_id, user_id, currency, action, amount_minor, tx_id, game, game_id, bonus_minor, created_at)
      values ('bet-1', 'p', 'USD', 'bet', 50, ${bet_tx}, 'demo:slot', 'r1', 20, ${at}),
             ('bet-cash', 'q', 'USD', 'bet', 40, ${cash_bet_tx}, 'demo:slot', 'r2', 0, ${at}),
             ('win-1', 'p', 'USD', 'win', 90, ${win_tx}, 'demo:slot', 'r1', 0, ${at})`;
    await before.sql`
      insert into seamless_transactions (external_transaction_id, kind, transaction_id, session_token, user_id, currency, round_id,
        amount_minor, transfer_id, bonus_minor, response_status, response_body, created_at)
      values ('d-1', 'debit', ${debit_tx}, 'session-token-0001', 'p', 'USD', 'round-1', 30, ${debit_tx}, 30, 200, '{}', ${at})`;
    await before.sql`
      insert into bonus_plays (transfer_id, kind, player, currency, round_key, bonus_id, cash_minor, bonus_minor, bonus_to, contribution_minor, created_at)
      values (${bet_tx}, 'bet', 'p', 'USD', 'k1', ${grant}, 30, 20, 'bonus', 50, ${at}),
             (${debit_tx}, 'bet', 'p', 'USD', 'k2', ${grant}, 0, 30, 'bonus', 3, ${at}),
             (${win_tx}, 'win', 'p', 'USD', 'k1', ${grant}, 60, 30, 'cash', 0, ${at})`;
    await migrate(before.sql);
    const actions = await before.sql<
      { action_id: string; bonus_id: string | null; contribution_minor: bigint | null }[]
    >`
      select action_id, bonus_id, contribution_minor from aggregator_actions order by action_id`;
    assert.deepEqual(
      actions.map((a) => [a.action_id, a.bonus_id, a.contribution_minor]),
      [
        ['bet-1', grant, 50n],
        ['bet-cash', null, null],
        ['win-1', null, null],
      ],
    );
    const [debit] = await before.sql`select bonus_id, contribution_minor from seamless_transactions`;
    assert.deepEqual([debit.bonus_id, debit.contribution_minor], [grant, 3n]);
    const plays = await before.sql`select transfer_id, kind from bonus_plays`;
    assert.deepEqual(
      plays.map((p) => [p.transfer_id, p.kind]),
      [[win_tx, 'win']],
    );
    // A win's round finds its bonus bets (the batch read, through the new index): not a cash bet, not the win.
    await before.sql`
      insert into aggregator_actions (action_id, user_id, currency, action, amount_minor, tx_id, game, game_id, bonus_minor, bonus_id, contribution_minor, created_at)
      values ('bet-q', 'q', 'USD', 'bet', 10, '00000000-0000-7000-8000-00000000b005', 'demo:slot', 'r1', 10, ${grant}, 10, ${at})`;
    const found = await before.sql.begin((tx) =>
      loadActions(tx as unknown as TransactionSql, ['none'], ['none'], ['r1']),
    );
    // The read names rounds by id; the handler keeps the player's own (BatchState.committedStakes).
    assert.deepEqual(found.map((a) => [a.action_id, a.user_id, a.bonus_id, a.contribution_minor]).sort(), [
      ['bet-1', 'p', grant, 50n],
      ['bet-q', 'q', grant, 10n],
    ]);
    await assert.rejects(
      before.sql`insert into aggregator_actions (action_id, user_id, currency, action, amount_minor, tx_id, bonus_id, contribution_minor, created_at)
        values ('win-2', 'p', 'USD', 'win', 1, ${win_tx}, ${grant}, 0, ${at})`,
      /aggregator_actions_bonus_stake/,
      'only a bet names the grant it was staked with',
    );
  } finally {
    await before.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
