/** The one error-response schema every route documents (SPEC §0: `{ code, message }`). */
export const errorSchema = {
  type: 'object',
  properties: { code: { type: ['integer', 'string'] }, message: { type: 'string' } },
  required: ['code', 'message'],
} as const;

/** `{ 400: errorSchema, 401: errorSchema, … }` for a route's response map. */
export const errorResponses = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, errorSchema]));
