import { defineErrors } from '../platform/error-table.ts';

/** Error rows of the reports module. Validation and unknown-currency errors use the platform's rows. */
export const REPORTS_ERRORS = defineErrors({
  AGGREGATOR_USER_NOT_FOUND: {
    code: 'USER_NOT_FOUND',
    http_status: 404,
    message: 'The aggregator has processed no bet or win for this user.',
  },
});
