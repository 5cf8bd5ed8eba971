import type { ErrorTable } from '../platform/error-table.ts';

/** Error rows of the seamless surface (composed into the one registry in platform/errors.ts). */
export const SEAMLESS_ERRORS = {} satisfies ErrorTable;
