import { defineErrors } from '../platform/error-table.ts';
import { PLAYER_BALANCE_MAX_MINOR } from '../platform/limits.ts';

/**
 * Error rows of the aggregator surface (composed into the one registry in app/errors.ts).
 * SPEC §2 fixes 100 and 110; 120, 130 and 140 continue its numbering for the other refusals it names.
 * Validation, unknown currency, signature and size errors use the shared platform rows.
 */
export const AGGREGATOR_ERRORS = defineErrors({
  AGGREGATOR_INSUFFICIENT_FUNDS: {
    code: 100,
    http_status: 400,
    message: 'Player has not enough funds to process an action',
  },
  AGGREGATOR_ACTION_CONFLICT: {
    code: 110,
    http_status: 409,
    message: 'An action with this action_id was already processed with different content.',
  },
  AGGREGATOR_FOREIGN_ROLLBACK: {
    code: 120,
    http_status: 409,
    message: 'The rollback names an action of another player or currency.',
  },
  AGGREGATOR_ROLLBACK_OF_ROLLBACK: { code: 130, http_status: 400, message: 'A rollback cannot be rolled back.' },
  AGGREGATOR_BALANCE_LIMIT: {
    code: 140,
    http_status: 400,
    message: `The action would take the balance above ${PLAYER_BALANCE_MAX_MINOR} minor units, the largest amount JSON carries exactly.`,
  },
});
