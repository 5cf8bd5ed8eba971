import { draw32, drawUnit, permute48 } from './draw.ts';
import { pageOfSequence } from './items.ts';
import type { ItemFacts, ItemSource, PageQuery, PageResult, TransactionType, UpstreamItem } from './items.ts';
import { EARNED_AMOUNT_MINOR_MAX, PAYOUT_AMOUNT_SCR_MAX, SPENT_AMOUNT_MINOR_MAX } from './limits.ts';

export interface GeneratorOptions {
  seed: number;
  rate_per_min: number;
  late_share: number;
  late_max_s: number;
  users: number;
  /** Stream time of the first item (rounded up to created_at_step_ms). */
  start_ms: number;
  created_at_step_ms: number;
}

// One draw stream per property, so changing how one is drawn never shifts another.
const STREAM_USER = 1;
const STREAM_TYPE = 2;
const STREAM_AMOUNT = 3;
const STREAM_LATE = 4;
const STREAM_DELAY = 5;
const STREAM_ID_A = 6;
const STREAM_ID_B = 7;
const STREAM_USER_OFFSET = 8;
const STREAM_ID_PERMUTATION = 100;

const MS_PER_MIN = 60_000n;
/** 7919 is prime and shares no factor with 10^6, so u → u × 7919 mod 10^6 maps users to distinct ids. */
const USER_ID_MULTIPLIER = 7_919;
const USER_ID_SPACE = 1_000_000;
/** Share of each type, in percent: earned, then spent, the rest payout requests. */
const EARNED_PERCENT = 50;
const SPENT_PERCENT = 35;
/** Items a truth() scan may cover: at the peak rate this is about 14 days of stream. */
const SCAN_ITEMS_MAX = 100_000_000;

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');

/**
 * The seeded stream: item i is created at base + ⌊i × 60,000 / rate⌋ ms, rounded down to the step,
 * and everything else about it is drawn from (seed, i). Nothing is stored: any page or aggregate is
 * computed from indexes, and items older than late_max_s are known visible without looking at them.
 */
export class SeededStream implements ItemSource {
  private readonly base_ms: number;
  private readonly late_max_ms: number;
  private readonly user_offset: number;

  constructor(private readonly o: GeneratorOptions) {
    this.base_ms = Math.ceil(o.start_ms / o.created_at_step_ms) * o.created_at_step_ms;
    this.late_max_ms = o.late_max_s * 1000;
    this.user_offset = draw32(o.seed, STREAM_USER_OFFSET, 0) % USER_ID_SPACE;
  }

  createdAtMs(index: number): number {
    const elapsed_ms = Math.floor((index * 60_000) / this.o.rate_per_min);
    const step = this.o.created_at_step_ms;
    return this.base_ms + Math.floor(elapsed_ms / step) * step;
  }

  /** The first index created at or after `at_ms` (exact, in bigint: `at_ms` may be far in the future). */
  firstIndexAtOrAfter(at_ms: number): number {
    if (at_ms <= this.base_ms) return 0;
    const step = BigInt(this.o.created_at_step_ms);
    const elapsed_ms = ((BigInt(at_ms - this.base_ms) + step - 1n) / step) * step;
    const rate = BigInt(this.o.rate_per_min);
    return Number((elapsed_ms * rate + MS_PER_MIN - 1n) / MS_PER_MIN);
  }

  facts(index: number): ItemFacts {
    const { seed } = this.o;
    const user = draw32(seed, STREAM_USER, index) % this.o.users;
    const userId = String((user * USER_ID_MULTIPLIER + this.user_offset) % USER_ID_SPACE).padStart(6, '0');
    const type = this.typeOf(draw32(seed, STREAM_TYPE, index) % 100);
    const created_at_ms = this.createdAtMs(index);
    const visible_at_ms = created_at_ms + this.delayMs(index);
    return { userId, type, amount_minor: this.amountOf(type, index), created_at_ms, visible_at_ms };
  }

  item(index: number): UpstreamItem {
    return { id: this.id(index), ...this.facts(index) };
  }

  /** A UUID-shaped id (version 8, "custom"): 74 drawn bits for looks, 48 permuted index bits for uniqueness. */
  id(index: number): string {
    const { seed } = this.o;
    const a = draw32(seed, STREAM_ID_A, index);
    const b = draw32(seed, STREAM_ID_B, index);
    const node = hex(permute48(seed, STREAM_ID_PERMUTATION, index), 12);
    const variant = `${hex(0x8 | (b >>> 30), 1)}${hex((a ^ b) & 0xfff, 3)}`;
    return `${hex(a, 8)}-${hex(b & 0xffff, 4)}-8${hex((b >>> 16) & 0xfff, 3)}-${variant}-${node}`;
  }

  private typeOf(percent: number): TransactionType {
    if (percent < EARNED_PERCENT) return 'earned';
    if (percent < EARNED_PERCENT + SPENT_PERCENT) return 'spent';
    return 'payout';
  }

  private amountOf(type: TransactionType, index: number): bigint {
    const bits = draw32(this.o.seed, STREAM_AMOUNT, index);
    if (type === 'earned') return BigInt(1 + (bits % EARNED_AMOUNT_MINOR_MAX));
    if (type === 'spent') return BigInt(1 + (bits % SPENT_AMOUNT_MINOR_MAX));
    // Payout requests are whole SCR, like the seed's "payout of 30".
    return BigInt(100 * (1 + (bits % PAYOUT_AMOUNT_SCR_MAX)));
  }

  /** 0 for an item on time; 1 ms .. late_max_s for a late one. */
  delayMs(index: number): number {
    if (this.late_max_ms === 0 || drawUnit(this.o.seed, STREAM_LATE, index) >= this.o.late_share) return 0;
    return 1 + (draw32(this.o.seed, STREAM_DELAY, index) % this.late_max_ms);
  }

  page(q: PageQuery): PageResult {
    const lo = this.firstIndexAtOrAfter(q.start_ms);
    // Nothing created after now can be visible (visibility never precedes createdAt).
    const hi = Math.max(lo, this.firstIndexAtOrAfter(Math.min(q.end_ms, q.now_ms) + 1));
    // Items created at least late_max_s before now are visible whether late or not: no need to look.
    const settled = Math.min(hi, Math.max(lo, this.firstIndexAtOrAfter(q.now_ms - this.late_max_ms + 1)));
    const recent: number[] = [];
    for (let index = settled; index < hi; index++) {
      if (this.createdAtMs(index) + this.delayMs(index) <= q.now_ms) recent.push(index);
    }
    const prefix = settled - lo;
    const total = prefix + recent.length;
    const indexAt = (position: number) => (position < prefix ? lo + position : recent[position - prefix]);
    const created_at_ms_of = (position: number) => this.createdAtMs(indexAt(position));
    const build = (position: number) => this.item(indexAt(position));
    const items = pageOfSequence(total, created_at_ms_of, build, q.offset, q.limit);
    return { total, items };
  }

  scan(at_ms: number, visit: (facts: ItemFacts) => void): void {
    const end = this.firstIndexAtOrAfter(at_ms + 1);
    if (end > SCAN_ITEMS_MAX) {
      throw new RangeError(`truth() over ${end} items is beyond the ${SCAN_ITEMS_MAX} a scan may cover`);
    }
    for (let index = 0; index < end; index++) visit(this.facts(index));
  }
}
