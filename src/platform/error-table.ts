/** One row of the error registry: what the client sees and which HTTP status carries it. */
export interface ErrorDefinition {
  /** The row's key in its table (for logs and docs); set by defineErrors. */
  readonly key: string;
  /** Wire code: numeric where a protocol fixes numbers (SPEC §2), a NAME elsewhere. */
  readonly code: number | string;
  readonly http_status: number;
  /** Default human sentence; a refusal may replace it with one naming the field. */
  readonly message: string;
}

export type ErrorTable = Readonly<Record<string, ErrorDefinition>>;

type Rows = Record<string, Omit<ErrorDefinition, 'key'>>;

/**
 * A domain's error table. Callers name a row by property (`WALLET_ERRORS.WALLET_PLAYER_NOT_FOUND`), so a
 * misspelt key is a compile error, not a run-time 500.
 */
export function defineErrors<T extends Rows>(
  rows: T,
): { readonly [K in keyof T & string]: ErrorDefinition & { key: K } } {
  const table: Record<string, ErrorDefinition> = {};
  for (const [key, row] of Object.entries(rows)) table[key] = Object.freeze({ key, ...row });
  return Object.freeze(table) as { readonly [K in keyof T & string]: ErrorDefinition & { key: K } };
}
