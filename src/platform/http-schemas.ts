import { STRING_LENGTH_MAX } from './limits.ts';

/** The one error-response schema every route documents (SPEC §0: `{ code, message }`). */
export const errorSchema = {
  type: 'object',
  properties: { code: { type: ['integer', 'string'] }, message: { type: 'string' } },
  required: ['code', 'message'],
} as const;

/** `{ 400: errorSchema, 401: errorSchema, … }` for a route's response map. */
export const errorResponses = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, errorSchema]));

/** A non-empty string within the SPEC §0 string limit. */
export const textSchema = (description: string) =>
  ({ type: 'string', minLength: 1, maxLength: STRING_LENGTH_MAX, description }) as const;

/** An id sent as a string or an integer (the seed protocols' examples use numbers); both mean the same id. */
export const idSchema = (description: string) =>
  ({
    type: ['string', 'integer'],
    minLength: 1,
    maxLength: STRING_LENGTH_MAX,
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description,
  }) as const;
