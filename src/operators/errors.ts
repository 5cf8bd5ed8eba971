import { defineErrors } from '../platform/error-table.ts';
import { OPERATORS_ACTIVE_MAX } from './limits.ts';

/**
 * Error rows of operators and the audit log. Wrong keys (401), viewer writes and non-admins managing
 * operators (403 FORBIDDEN) use the platform's rows: the guard raises them for every domain.
 */
export const OPERATOR_ERRORS = defineErrors({
  OPERATOR_NOT_FOUND: { code: 'OPERATOR_NOT_FOUND', http_status: 404, message: 'No operator has this id.' },
  OPERATOR_NAME_TAKEN: {
    code: 'OPERATOR_NAME_TAKEN',
    http_status: 409,
    message: 'An active operator already has this name.',
  },
  OPERATOR_LIMIT_REACHED: {
    code: 'OPERATOR_LIMIT_REACHED',
    http_status: 409,
    message: `There are already ${OPERATORS_ACTIVE_MAX} active operators; revoke one first.`,
  },
  AUDIT_INVALID_CURSOR: {
    code: 'INVALID_CURSOR',
    http_status: 400,
    message: 'cursor is not a cursor this endpoint returned.',
  },
  AUDIT_INVALID_WINDOW: { code: 'VALIDATION_ERROR', http_status: 400, message: 'from must be before to.' },
});
