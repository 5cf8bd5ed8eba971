/**
 * The mock upstream Transaction API (SPEC §7 "The mock"): another system than Croupier, with its own
 * memory and port, reached only over HTTP. The composition root starts it for
 * `croupier start --role transactions-mock` with `startTransactionsMock(transactionsMockOptionsFromEnv())`.
 */
export { startTransactionsMock } from './server.ts';
export { startTransactionsMockRole } from './role.ts';
export type { MockStats, TransactionsMock, TransactionsMockOptions } from './server.ts';
export { TRANSACTIONS_MOCK_PORT_DEFAULT, TRANSACTIONS_MOCK_VARIABLES } from './config.ts';
export { transactionsMockOptionsFromEnv } from './config.ts';
export { SEED_EXAMPLE_ITEMS, type FixedItem } from './fixed.ts';
export { centsFromDecimal, decimalFromCents } from './decimal.ts';
export type { Truth, TruthOptions, UserTotals } from './truth.ts';
export type { Fault } from './faults.ts';
export type { TransactionType } from './items.ts';
