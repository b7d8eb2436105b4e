import { SeedError } from './seed-error.js';

// Dates for the seed, relative to one reference day ("as of"). Every date is a whole number of
// days from it, so a seed is reproducible for a given reference day, and formatting millions of
// dates is a table look-up rather than a Date object each.

const DAY_MS = 86_400_000;
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

export class SeedCalendar {
  private readonly base: number;
  private readonly days = new Map<number, string>();

  constructor(readonly asOf: string) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(`${asOf}T00:00:00.000Z`))) {
      throw new SeedError(`"${asOf}" is not a date (YYYY-MM-DD)`);
    }
    this.base = Date.parse(`${asOf}T00:00:00.000Z`);
  }

  /** 'YYYY-MM-DD' `offset` days after the reference day (negative: before). */
  date(offset: number): string {
    let d = this.days.get(offset);
    if (d === undefined) {
      d = new Date(this.base + offset * DAY_MS).toISOString().slice(0, 10);
      this.days.set(offset, d);
    }
    return d;
  }

  /** An ISO timestamp on that day, `second` seconds after midnight UTC. */
  dateTime(offset: number, second: number): string {
    const s = second % 60;
    const m = Math.floor(second / 60) % 60;
    const h = Math.floor(second / 3600) % 24;
    return `${this.date(offset)}T${TWO[h]}:${TWO[m]}:${TWO[s]}.000Z`;
  }
}

/** Today's UTC date: the default reference day. */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);
