import type { AppContext } from '../ledger/context.ts';
import { refuse, type Outcome } from '../platform/outcome.ts';
import { PLATFORM_ERRORS } from '../platform/platform-errors.ts';

/** A report's processing-time window `[from, to)` and optional currency, as the query gave them. */
export interface ReportWindow {
  from: string;
  to: string;
  currency?: string;
}

/** The window's refusal (a 400 naming the field), or undefined when every report may read it. */
export async function checkWindow(ctx: AppContext, window: ReportWindow): Promise<Outcome<never> | undefined> {
  for (const name of ['from', 'to'] as const) {
    if (Number.isNaN(Date.parse(window[name])))
      return refuse(PLATFORM_ERRORS.VALIDATION_ERROR, `${name} must be an ISO-8601 date-time with a time zone`);
  }
  if (Date.parse(window.from) > Date.parse(window.to))
    return refuse(PLATFORM_ERRORS.VALIDATION_ERROR, 'to must not be before from');
  if (window.currency !== undefined && !(await ctx.ledger.assetExists(window.currency))) {
    return refuse(PLATFORM_ERRORS.UNKNOWN_ASSET, `currency ${window.currency} is not a known currency.`);
  }
  return undefined;
}
