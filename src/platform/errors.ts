import type { ErrorDefinition } from './error-table.ts';

/**
 * An error meant for the client: a registry row plus, optionally, a sentence naming the field. Only
 * routes (and the HTTP layer) throw it; services return outcomes. The composed registry of every
 * domain's rows lives in the composition root (`src/app/errors.ts`).
 */
export class AppError extends Error {
  constructor(
    readonly definition: ErrorDefinition,
    message?: string,
  ) {
    super(message ?? definition.message);
  }

  get key(): string {
    return this.definition.key;
  }

  get http_status(): number {
    return this.definition.http_status;
  }

  body(): { code: number | string; message: string } {
    return { code: this.definition.code, message: this.message };
  }
}
