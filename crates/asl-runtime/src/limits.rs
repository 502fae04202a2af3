//! Service limits that the runtime enforces.

use std::io;

use serde_json::Value;

use crate::error::StatesError;

/// Largest input/output of a state, task or execution: 256 KiB of UTF-8 serialized JSON.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

/// Size in bytes of the compact JSON serialization of `value`.
pub fn serialized_size(value: &Value) -> usize {
    serialized_size_capped(value, usize::MAX)
}

/// Like [`serialized_size`], but stops counting once the size passes `cap` (returning a number
/// greater than `cap`), so checking a huge document costs no more than the limit.
pub fn serialized_size_capped(value: &Value, cap: usize) -> usize {
    let mut counter = Counter { bytes: 0, cap };
    match serde_json::to_writer(&mut counter, value) {
        Ok(()) => counter.bytes,
        // The only error the counter produces is "over the cap".
        Err(_) => counter.bytes.max(cap.saturating_add(1)),
    }
}

struct Counter {
    bytes: usize,
    cap: usize,
}

impl io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes = self.bytes.saturating_add(buf.len());
        if self.bytes > self.cap {
            return Err(io::Error::other("over the size cap"));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Whether `value` fits the 256 KiB payload limit.
pub fn fits_payload_limit(value: &Value) -> bool {
    // Most payloads are far below the limit: a cheap upper bound settles them without
    // serializing; only those near it are measured exactly.
    size_bound(value) <= MAX_PAYLOAD_BYTES
        || serialized_size_capped(value, MAX_PAYLOAD_BYTES) <= MAX_PAYLOAD_BYTES
}

/// An upper bound of the compact JSON size of `value` (every string character escaped as
/// `\u00XX`, every number as long as the longest rendering).
fn size_bound(value: &Value) -> usize {
    const LONGEST_NUMBER: usize = 25;
    match value {
        Value::Null | Value::Bool(_) => 5,
        Value::Number(_) => LONGEST_NUMBER,
        Value::String(s) => s.len().saturating_mul(6).saturating_add(2),
        Value::Array(items) => items
            .iter()
            .fold(items.len().saturating_add(2), |total, item| {
                total.saturating_add(size_bound(item))
            }),
        Value::Object(map) => map
            .iter()
            .fold(map.len().saturating_add(2), |total, (key, item)| {
                total
                    .saturating_add(key.len().saturating_mul(6).saturating_add(3))
                    .saturating_add(size_bound(item))
            }),
    }
}

/// Fails with `States.DataLimitExceeded` when `value` is larger than 256 KiB serialized.
/// `what` names the payload in the cause, e.g. `"output of the state 'Charge'"`.
pub fn check_payload_size(value: &Value, what: &str) -> Result<(), StatesError> {
    if fits_payload_limit(value) {
        Ok(())
    } else {
        Err(StatesError::data_limit_exceeded(format!(
            "The {what} has a size exceeding the maximum number of bytes service limit ({MAX_PAYLOAD_BYTES} bytes)."
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::names;
    use serde_json::json;

    #[test]
    fn size_is_compact_json_bytes() {
        assert_eq!(
            serialized_size(&json!({"a": [1, 2]})),
            r#"{"a":[1,2]}"#.len()
        );
    }

    #[test]
    fn size_bound_is_never_below_the_exact_size() {
        let values = [
            json!({"a\u{1}": ["\u{0}\n\"", -1.7976931348623157e308, u64::MAX, i64::MIN]}),
            json!([null, true, false, {}, [], 2.2250738585072014e-308]),
            json!("é\u{1f600}"),
        ];
        for value in values {
            assert!(size_bound(&value) >= serialized_size(&value), "{value}");
        }
    }

    #[test]
    fn size_counts_utf8_bytes_not_chars() {
        assert_eq!(serialized_size(&json!("é")), 4);
    }

    #[test]
    fn payload_of_exactly_256_kib_fits() {
        let s = "a".repeat(MAX_PAYLOAD_BYTES - 2);
        assert!(check_payload_size(&json!(s), "output").is_ok());
    }

    #[test]
    fn payload_one_byte_over_fails_with_data_limit_exceeded() {
        let s = "a".repeat(MAX_PAYLOAD_BYTES - 1);
        let err = check_payload_size(&json!(s), "output").unwrap_err();
        assert!(err.is(names::DATA_LIMIT_EXCEEDED));
        assert!(!err.is_catchable());
    }

    #[test]
    fn capped_size_stops_early() {
        let s = "a".repeat(10_000);
        assert!(serialized_size_capped(&json!(s), 100) > 100);
    }
}
