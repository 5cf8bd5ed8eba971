/** One row of the error registry: what the client sees and which HTTP status carries it. */
export interface ErrorDefinition {
  /** Wire code: numeric where a protocol fixes numbers (SPEC §2), a NAME elsewhere. */
  code: number | string;
  http_status: number;
  /** Default human sentence; a thrown error may replace it with one naming the field. */
  message: string;
}

export type ErrorTable = Record<string, ErrorDefinition>;
