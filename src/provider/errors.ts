import type { ErrorTable } from '../platform/error-table.ts';

/** Error rows of the provider surface (composed into the one registry in platform/errors.ts). */
export const PROVIDER_ERRORS = {} satisfies ErrorTable;
