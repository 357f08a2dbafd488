/**
 * Exact calendar arithmetic on `YYYY-MM-DD HH:MM:SS` local timestamps, so absolute date
 * filters become plain literals. Month arithmetic clamps to the month's last day, as
 * DuckDB and PostgreSQL do (`2024-01-31 + 1 month = 2024-02-29`).
 */
import type { TimeUnit } from '../dialects/dialect.ts';

export interface LocalParts {
  readonly year: number;
  readonly month: number; // 1–12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** `Date.UTC` maps years 0–99 to 1900–1999; this does not. */
function utcMillis(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

export function daysInMonth(year: number, month: number): number {
  return new Date(utcMillis(year, month + 1, 0)).getUTCDate();
}

export function formatLocal(p: LocalParts): string {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

export function addCalendar(p: LocalParts, unit: TimeUnit, n: number): LocalParts {
  if (unit === 'year' || unit === 'quarter' || unit === 'month') {
    const months = n * (unit === 'year' ? 12 : unit === 'quarter' ? 3 : 1);
    const index = p.year * 12 + (p.month - 1) + months;
    const year = Math.floor(index / 12);
    const month = index - year * 12 + 1;
    return { ...p, year, month, day: Math.min(p.day, daysInMonth(year, month)) };
  }
  const ms: Record<Exclude<TimeUnit, 'year' | 'quarter' | 'month'>, number> = {
    week: 604_800_000, day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000, millisecond: 1, microsecond: 0.001,
  };
  const t = utcMillis(p.year, p.month, p.day, p.hour, p.minute, p.second) + n * ms[unit];
  const d = new Date(t);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
  };
}
