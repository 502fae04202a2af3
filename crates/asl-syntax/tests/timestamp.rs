//! RFC 3339 timestamps.

use asl_syntax::Span;
use asl_syntax::timestamp::{format_rfc3339, is_timestamp, parse_timestamp};

const SECOND: i128 = 1_000_000_000;

#[test]
fn utc_timestamp_parses_to_unix_nanoseconds() {
    let t = parse_timestamp("2016-03-14T01:59:00Z").unwrap();
    assert_eq!(t.unix_nanos, 1_457_920_740 * SECOND);
    assert_eq!(t.offset_minutes, 0);
}

#[test]
fn epoch_and_pre_epoch_dates() {
    assert_eq!(
        parse_timestamp("1970-01-01T00:00:00Z").unwrap().unix_nanos,
        0
    );
    assert_eq!(
        parse_timestamp("1969-12-31T23:59:59Z").unwrap().unix_nanos,
        -SECOND
    );
}

#[test]
fn fractional_seconds_of_any_precision_up_to_nanoseconds() {
    let base = 1_457_920_740 * SECOND;
    assert_eq!(
        parse_timestamp("2016-03-14T01:59:00.5Z")
            .unwrap()
            .unix_nanos,
        base + SECOND / 2
    );
    assert_eq!(
        parse_timestamp("2016-03-14T01:59:00.123456789Z")
            .unwrap()
            .unix_nanos,
        base + 123_456_789
    );
    assert!(parse_timestamp("2016-03-14T01:59:00.1234567891Z").is_err());
    assert!(parse_timestamp("2016-03-14T01:59:00.Z").is_err());
}

#[test]
fn offsets_are_normalised_to_the_same_instant() {
    let utc = parse_timestamp("2016-03-14T01:59:00Z").unwrap();
    let plus = parse_timestamp("2016-03-14T03:29:00+01:30").unwrap();
    let minus = parse_timestamp("2016-03-13T21:59:00-04:00").unwrap();
    assert_eq!(utc, plus);
    assert_eq!(utc, minus);
    assert_eq!(plus.offset_minutes, 90);
    assert_eq!(minus.offset_minutes, -240);
}

#[test]
fn timestamps_order_by_instant() {
    let earlier = parse_timestamp("2020-01-01T00:00:00+05:00").unwrap();
    let later = parse_timestamp("2020-01-01T00:00:00Z").unwrap();
    assert!(earlier < later);
}

#[test]
fn leap_days_follow_the_gregorian_rules() {
    assert!(is_timestamp("2024-02-29T00:00:00Z"));
    assert!(is_timestamp("2000-02-29T00:00:00Z"));
    assert!(!is_timestamp("1900-02-29T00:00:00Z"));
    assert!(!is_timestamp("2023-02-29T00:00:00Z"));
    assert!(!is_timestamp("2023-04-31T00:00:00Z"));
}

#[test]
fn out_of_range_fields_are_rejected_at_the_field() {
    for (text, span) in [
        ("2016-13-14T01:59:00Z", Span::new(5, 7)),
        ("2016-00-14T01:59:00Z", Span::new(5, 7)),
        ("2016-03-32T01:59:00Z", Span::new(8, 10)),
        ("2016-03-14T25:59:00Z", Span::new(11, 13)),
        ("2016-03-14T01:60:00Z", Span::new(14, 16)),
        ("2016-03-14T01:59:60Z", Span::new(17, 19)),
        ("2016-03-14T01:59:00+24:00", Span::new(19, 25)),
    ] {
        let e = parse_timestamp(text).unwrap_err();
        assert_eq!(e.span, span, "{text}: {}", e.message);
    }
}

#[test]
fn separator_and_zone_must_be_as_aws_requires() {
    for (text, needle, span) in [
        ("2016-03-14 01:59:00Z", "uppercase `T`", Span::new(10, 11)),
        ("2016-03-14t01:59:00Z", "uppercase `T`", Span::new(10, 11)),
        ("2016-03-14T01:59:00", "time zone", Span::new(19, 19)),
        ("2016-03-14T01:59:00z", "uppercase `Z`", Span::new(19, 20)),
        ("2016-03-14", "`T`", Span::new(10, 10)),
        (
            "2016-03-14T01:59:00Z ",
            "after the timestamp",
            Span::new(20, 21),
        ),
        ("16-03-14T01:59:00Z", "four-digit year", Span::new(2, 3)),
        (
            "2016-03-14T01:59:00+0100",
            "`:` in the offset",
            Span::new(22, 23),
        ),
    ] {
        let e = parse_timestamp(text).unwrap_err();
        assert!(e.message.contains(needle), "{text}: {}", e.message);
        assert_eq!(e.span, span, "{text}");
    }
}

#[test]
fn non_ascii_input_is_rejected_without_panicking() {
    assert!(parse_timestamp("2016-03-14T01:59:00ñ").is_err());
    assert!(parse_timestamp("２０１６-03-14T01:59:00Z").is_err());
}

#[test]
fn formatting_trims_fraction_to_whole_groups() {
    let base = 1_457_920_740 * SECOND;
    assert_eq!(format_rfc3339(base), "2016-03-14T01:59:00Z");
    assert_eq!(
        format_rfc3339(base + 192_000_000),
        "2016-03-14T01:59:00.192Z"
    );
    assert_eq!(
        format_rfc3339(base + 192_500_000),
        "2016-03-14T01:59:00.192500Z"
    );
    assert_eq!(format_rfc3339(base + 1), "2016-03-14T01:59:00.000000001Z");
    assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59.999999999Z");
}

#[test]
fn formatting_round_trips_through_parsing() {
    for text in [
        "0001-01-01T00:00:00Z",
        "2024-02-29T23:59:59.999Z",
        "9999-12-31T23:59:59Z",
    ] {
        let t = parse_timestamp(text).unwrap();
        assert_eq!(format_rfc3339(t.unix_nanos), text);
        assert_eq!(t.to_rfc3339_utc(), text);
    }
}
