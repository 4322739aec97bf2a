// Rate-limit messages that Claude Code writes into transcripts as synthetic assistant rows:
// recognising them, classifying the limit, and turning "resets 3pm (Europe/Helsinki)" into an epoch.
// Text variants per era are listed in the transcripts reference, §6.

/**
 * Every limit-message variant seen in Claude Code's code, 0.2.x → 2.1.330. Applied only to synthetic /
 * API-error rows: the model's own prose may well mention "usage limit".
 */
const LIMIT_TEXT_PATTERN = new RegExp(
  [
    String.raw`Claude AI usage limit reached`, // 0.2.x – 1.0.5x, usually with "|<epoch>"
    String.raw`Claude usage limit reached`, // 2025 variant: "… Your limit will reset at 1pm (Europe/Madrid)"
    String.raw`^(?:5-hour|Session|Weekly|Opus weekly|Opus|Sonnet weekly|Sonnet|Usage) limit (?:reached|resets)`, // 1.0.6x – 1.0.12x
    String.raw`^Spending cap reached`,
    String.raw`^Limit reached\s*[–-]`,
    String.raw`^You've (?:hit|reached) your`, // 2.0.x – 2.1.x
    String.raw`^You're out of (?:extra usage|usage credits)`,
    String.raw`^Your org is out of usage`,
    String.raw`^Your seat type doesn't include (?:extra usage|usage)`,
    String.raw`^Your usage allocation has been disabled`,
    String.raw`^Your group's usage limit is set to`,
    String.raw`requires usage credits`,
    String.raw`Usage credits are required`,
    String.raw`Extra usage is required`,
  ].join('|'),
);

/** True when the text of a synthetic / API-error row is a usage-limit message. */
export function isLimitText(text: string): boolean {
  return LIMIT_TEXT_PATTERN.test(text.trim());
}

/** Claude Code's rateLimitType values; `unknown` when neither the row nor its text says. */
export type LimitType = 'five_hour' | 'seven_day' | 'seven_day_opus' | 'seven_day_sonnet' | 'overage' | 'unknown';

/**
 * The limit a message is about, from its wording. Order matters: "Opus weekly" is Opus, not weekly.
 * The legacy "Claude AI usage limit reached|<epoch>" text is the 5-hour limit: weekly limits did not exist
 * before 2025-08-28, and the 1.0.88 writer emits that legacy format only for the 5-hour case.
 */
export function inferLimitType(text: string): LimitType {
  const t = text.toLowerCase();
  // Credits / extra-usage messages are about paying beyond the plan, whatever model they name.
  if (/usage credits|extra usage|spending cap|out of usage/.test(t)) return 'overage';
  if (/\bopus\b/.test(t)) return 'seven_day_opus';
  if (/\bsonnet\b/.test(t)) return 'seven_day_sonnet';
  if (/\bweekly\b|\bweek\b/.test(t)) return 'seven_day';
  if (/\bsession\b|5-hour|claude ai usage limit reached/.test(t)) return 'five_hour';
  return 'unknown';
}

/** The reset epoch in the legacy "Claude AI usage limit reached|1750780800" form, as ms. */
export function parseLegacyResetEpoch(text: string): number | null {
  const m = /\|\s*(\d{9,11})\b/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 1000;
}

const MONTHS: Record<string, number> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

// "resets 3pm", "resets 9:30pm (Asia/Saigon)", "resets Oct 9, 5pm (…)", "reset at 1pm (Europe/Madrid)".
const RESET_TEXT_PATTERN =
  /\breset(?:s)?(?:\s+at)?\s+(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+(?:at\s+)?)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b(?:\s*\(([^)\s]+)\))?/i;

// "resets in 32m", "resets in 1h 5m", "resets in 2h".
const RELATIVE_RESET_PATTERN = /\breset(?:s)?\s+in\s+(?:(\d{1,3})\s*h)?\s*(?:(\d{1,2})\s*m)?\b/i;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The reset moment a limit message names, relative to the line's own timestamp.
 * Claude Code writes the time as wall-clock in the user's zone: `h[:mm]am/pm` when the reset is under
 * 24 h away, else `Mon D, h[:mm]am/pm`, followed by ` (IANA zone)` since 2.0.x. Some rows say
 * "resets in 1h 5m" instead, which is taken relative to the line's timestamp.
 *
 * Without a zone (1.0.6x–1.0.12x texts) the wall-clock is read in `defaultTimeZone`, which is UTC unless
 * the caller passes one (for example the machine's own zone, which most likely wrote the transcript):
 * UTC is a deterministic guess, not a fact. An unknown zone name gives null rather than a wrong time.
 */
export function parseResetText(text: string, lineTimestampMs: number, defaultTimeZone = 'UTC'): number | null {
  if (!Number.isFinite(lineTimestampMs)) return null;
  const relative = RELATIVE_RESET_PATTERN.exec(text);
  if (relative && (relative[1] !== undefined || relative[2] !== undefined)) {
    // "… the 5-hour limit resets in 1h 5m": relative to when the row was written, to the minute.
    return lineTimestampMs + (Number(relative[1] ?? 0) * 60 + Number(relative[2] ?? 0)) * 60_000;
  }
  const m = RESET_TEXT_PATTERN.exec(text);
  if (!m) return null;
  const [, monthName, dayText, hourText, minuteText, ampm, zoneText] = m;
  const hour12 = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (hour12 < 1 || hour12 > 12 || minute > 59) return null;
  const hour = (hour12 % 12) + (ampm.toLowerCase() === 'pm' ? 12 : 0);
  const timeZone = zoneText ?? defaultTimeZone;
  if (!isValidTimeZone(timeZone)) return null;

  const now = zonedParts(lineTimestampMs, timeZone);
  if (monthName === undefined) {
    // Time only: the next occurrence of that wall-clock time after the line was written.
    let candidate = zonedWallClockToUtc(now.year, now.month, now.day, hour, minute, timeZone);
    if (candidate <= lineTimestampMs) {
      const tomorrow = new Date(Date.UTC(now.year, now.month, now.day + 1));
      candidate = zonedWallClockToUtc(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth(), tomorrow.getUTCDate(), hour, minute, timeZone);
    }
    return candidate;
  }
  const month = MONTHS[monthName.toLowerCase()];
  const day = Number(dayText);
  if (day < 1 || day > 31) return null;
  let candidate = zonedWallClockToUtc(now.year, month, day, hour, minute, timeZone);
  // "resets Jan 2" written on Dec 30 is next year's Jan 2.
  if (candidate < lineTimestampMs - DAY_MS) candidate = zonedWallClockToUtc(now.year + 1, month, day, hour, minute, timeZone);
  return candidate;
}

const zoneValidity = new Map<string, boolean>();
function isValidTimeZone(timeZone: string): boolean {
  let ok = zoneValidity.get(timeZone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
      ok = true;
    } catch {
      ok = false;
    }
    zoneValidity.set(timeZone, ok);
  }
  return ok;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  /** 0-based, like Date. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function zonedParts(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year,
    month: parts.month - 1,
    day: parts.day,
    hour: parts.hour === 24 ? 0 : parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** Offset of the zone from UTC at an instant, in ms (Helsinki in summer: +3 h). */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const p = zonedParts(epochMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The UTC instant at which the zone's clock shows the given wall-clock time (DST-aware). */
function zonedWallClockToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const naive = Date.UTC(year, month, day, hour, minute);
  let guess = naive - zoneOffsetMs(naive, timeZone);
  // A second pass settles guesses that crossed a DST change.
  const corrected = naive - zoneOffsetMs(guess, timeZone);
  if (corrected !== guess) guess = corrected;
  return guess;
}
