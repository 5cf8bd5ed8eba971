import type { ErrorTable } from '../platform/error-table.ts';

/** Error rows of the aggregator surface (composed into the one registry in platform/errors.ts). */
export const AGGREGATOR_ERRORS = {} satisfies ErrorTable;
