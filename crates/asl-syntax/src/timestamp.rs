//! RFC 3339 timestamps as AWS accepts them (`2016-03-14T01:59:00Z`, `…T01:59:00.123+02:00`).

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use crate::{Span, SyntaxError};

/// A parsed timestamp. Comparison, equality and hashing use the instant only (two spellings of the
/// same instant in different offsets are equal), as Choice's `Timestamp*` operators require.
#[derive(Debug, Clone, Copy)]
pub struct Timestamp {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    pub unix_nanos: i128,
    /// The offset it was written with, in minutes east of UTC (0 for `Z`).
    pub offset_minutes: i32,
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.unix_nanos == other.unix_nanos
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.unix_nanos.cmp(&other.unix_nanos)
    }
}

impl Hash for Timestamp {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.unix_nanos.hash(state);
    }
}

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// Parses an RFC 3339 timestamp: `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`, uppercase `T` and
/// `Z` required, 1 to 9 fractional digits.
pub fn parse_timestamp(text: &str) -> Result<Timestamp, SyntaxError> {
    let mut r = Reader { text, pos: 0 };
    let year = r.digits(4, "a four-digit year")?;
    r.literal(b'-', "`-` after the year")?;
    let month_at = r.pos;
    let month = r.digits(2, "a two-digit month")?;
    r.literal(b'-', "`-` after the month")?;
    let day_at = r.pos;
    let day = r.digits(2, "a two-digit day")?;
    match r.peek() {
        Some(b'T') => r.pos += 1,
        Some(b't' | b' ') => {
            return Err(SyntaxError::new(
                "the date and time must be separated by an uppercase `T`",
                Span::new(r.pos, r.pos + 1),
            ));
        }
        _ => return Err(r.unexpected("`T` followed by the time (e.g. `T01:59:00Z`)")),
    }
    let hour_at = r.pos;
    let hour = r.digits(2, "a two-digit hour")?;
    r.literal(b':', "`:` after the hour")?;
    let minute_at = r.pos;
    let minute = r.digits(2, "two-digit minutes")?;
    r.literal(b':', "`:` after the minutes")?;
    let second_at = r.pos;
    let second = r.digits(2, "two-digit seconds")?;
    let mut nanos: i128 = 0;
    if r.peek() == Some(b'.') {
        r.pos += 1;
        let frac_at = r.pos;
        while r.peek().is_some_and(|b| b.is_ascii_digit()) {
            r.pos += 1;
        }
        let frac = text.get(frac_at..r.pos).unwrap_or("");
        if frac.is_empty() || frac.len() > 9 {
            return Err(SyntaxError::new(
                "fractional seconds need 1 to 9 digits",
                Span::new(frac_at.saturating_sub(1), r.pos),
            ));
        }
        for b in frac.bytes() {
            nanos = nanos * 10 + i128::from(b - b'0');
        }
        for _ in frac.len()..9 {
            nanos *= 10;
        }
    }
    let offset_at = r.pos;
    let offset_minutes: i32 = match r.peek() {
        Some(b'Z') => {
            r.pos += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            r.pos += 1;
            let oh = r.digits(2, "a two-digit offset hour")?;
            r.literal(b':', "`:` in the offset (`+hh:mm`)")?;
            let om = r.digits(2, "two-digit offset minutes")?;
            if oh > 23 || om > 59 {
                return Err(SyntaxError::new(
                    "the time zone offset is out of range",
                    Span::new(offset_at, r.pos),
                ));
            }
            let minutes = (oh * 60 + om) as i32;
            if sign == b'-' { -minutes } else { minutes }
        }
        Some(b'z') => {
            return Err(SyntaxError::new(
                "the UTC designator must be an uppercase `Z`",
                Span::new(r.pos, r.pos + 1),
            ));
        }
        _ => {
            return Err(r.unexpected("a time zone: `Z` or an offset such as `+01:00`"));
        }
    };
    if r.pos < text.len() {
        return Err(SyntaxError::new(
            "unexpected text after the timestamp",
            Span::new(r.pos, text.len()),
        ));
    }
    let range_check = |ok: bool, what: &str, at: usize| {
        if ok {
            Ok(())
        } else {
            Err(SyntaxError::new(
                format!("{what} is out of range"),
                Span::new(at, at + 2),
            ))
        }
    };
    range_check((1..=12).contains(&month), "the month", month_at)?;
    range_check(
        day >= 1 && day <= days_in_month(year, month),
        "the day of the month",
        day_at,
    )?;
    range_check(hour <= 23, "the hour", hour_at)?;
    range_check(minute <= 59, "the minute", minute_at)?;
    range_check(second <= 59, "the second", second_at)?;
    let days = days_from_civil(i64::from(year), month, day);
    let seconds = i128::from(days) * 86_400
        + i128::from(hour) * 3600
        + i128::from(minute) * 60
        + i128::from(second)
        - i128::from(offset_minutes) * 60;
    Ok(Timestamp {
        unix_nanos: seconds * NANOS_PER_SECOND + nanos,
        offset_minutes,
    })
}

/// Whether `text` is a timestamp AWS accepts (Choice's `IsTimestamp`).
pub fn is_timestamp(text: &str) -> bool {
    parse_timestamp(text).is_ok()
}

impl Timestamp {
    /// The instant in UTC, formatted as by [`format_rfc3339`].
    pub fn to_rfc3339_utc(&self) -> String {
        format_rfc3339(self.unix_nanos)
    }
}

/// Formats an instant as UTC RFC 3339 the way the context object does: `Z`, and 0, 3, 6 or 9
/// fractional digits (trailing zero groups trimmed). Years outside 0..=9999 are printed with as
/// many digits as needed (and a `-` sign before year 0).
pub fn format_rfc3339(unix_nanos: i128) -> String {
    let seconds = unix_nanos.div_euclid(NANOS_PER_SECOND);
    let nanos = unix_nanos.rem_euclid(NANOS_PER_SECOND);
    let days = seconds.div_euclid(86_400);
    let secs_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (h, m, s) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
    let fraction = if nanos == 0 {
        String::new()
    } else if nanos % 1_000_000 == 0 {
        format!(".{:03}", nanos / 1_000_000)
    } else if nanos % 1_000 == 0 {
        format!(".{:06}", nanos / 1_000)
    } else {
        format!(".{nanos:09}")
    };
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}{fraction}Z")
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn unexpected(&self, expected: &str) -> SyntaxError {
        let found = self.text.get(self.pos..).and_then(|s| s.chars().next());
        match found {
            Some(c) => SyntaxError::new(
                format!("expected {expected}, found `{c}`"),
                Span::new(self.pos, self.pos + c.len_utf8()),
            ),
            None => SyntaxError::new(
                format!("expected {expected}, found the end of the timestamp"),
                Span::empty(self.pos),
            ),
        }
    }

    fn digits(&mut self, count: usize, what: &str) -> Result<u32, SyntaxError> {
        let mut value = 0u32;
        for _ in 0..count {
            match self.peek() {
                Some(b) if b.is_ascii_digit() => {
                    value = value * 10 + u32::from(b - b'0');
                    self.pos += 1;
                }
                _ => return Err(self.unexpected(what)),
            }
        }
        Ok(value)
    }

    fn literal(&mut self, byte: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }
}

fn is_leap(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i128) -> (i128, i128, i128) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i128::from(month <= 2);
    (year, month, day)
}
