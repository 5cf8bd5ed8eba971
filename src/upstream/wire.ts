import { decimalFromCents } from './decimal.ts';
import { isoFromMs } from './dates.ts';
import type { UpstreamItem } from './items.ts';

export interface PageMeta {
  totalItems: number;
  itemCount: number;
  itemsPerPage: number;
  totalPages: number;
  currentPage: number;
}

export function pageMeta(total: number, item_count: number, limit: number, page: number): PageMeta {
  const totalPages = Math.ceil(total / limit);
  return { totalItems: total, itemCount: item_count, itemsPerPage: limit, totalPages, currentPage: page };
}

/**
 * The page as JSON text, written by hand because `amount` must be a JSON number with the exact digits
 * of its cents (`1.2`, `30`, `12.05`): JSON.stringify would need a float first. Strings go through
 * JSON.stringify so any id a fixed list carries is escaped correctly.
 */
export function pageJson(items: UpstreamItem[], meta: PageMeta): string {
  const parts = items.map(
    (it) =>
      `{"id":${JSON.stringify(it.id)},"userId":${JSON.stringify(it.userId)},` +
      `"createdAt":"${isoFromMs(it.created_at_ms)}",` +
      `"type":"${it.type}","amount":${decimalFromCents(it.amount_minor)}}`,
  );
  return `{"items":[${parts.join(',')}],"meta":${JSON.stringify(meta)}}`;
}
