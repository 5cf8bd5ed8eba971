import type { ErrorTable } from '../platform/error-table.ts';

/** Error rows of the wallet surface (composed into the one registry in platform/errors.ts). */
export const WALLET_ERRORS = {} satisfies ErrorTable;
