//! Errors as Step Functions names them, and which `ErrorEquals` lists match them.
//!
//! An error is a name plus a cause, both optional: a `SendTaskFailure` without arguments produces
//! an error with neither, and its error output is `{"Error": null, "Cause": null}`.

use std::fmt;

use serde_json::{Map, Value};

/// The predefined `States.*` error names.
pub mod names {
    /// Wildcard matcher; matches everything except `States.Runtime` and `States.DataLimitExceeded`.
    pub const ALL: &str = "States.ALL";
    /// A state exceeded `TimeoutSeconds` or missed a heartbeat (heartbeat misses are reported
    /// under this name too).
    pub const TIMEOUT: &str = "States.Timeout";
    /// Matcher for a missed heartbeat (reported as [`TIMEOUT`]).
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    /// A task failed; as a matcher, a wildcard for everything except [`TIMEOUT`].
    pub const TASK_FAILED: &str = "States.TaskFailed";
    pub const PERMISSIONS: &str = "States.Permissions";
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    /// A payload above 256 KiB; never caught.
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    /// An unprocessable runtime fault (path misses, bad `*Path` values); never caught or retried.
    pub const RUNTIME: &str = "States.Runtime";
    pub const HTTP_SOCKET: &str = "States.Http.Socket";

    /// Every predefined name, for validation and listing.
    pub const ALL_NAMES: &[&str] = &[
        ALL,
        TIMEOUT,
        HEARTBEAT_TIMEOUT,
        TASK_FAILED,
        PERMISSIONS,
        RESULT_PATH_MATCH_FAILURE,
        PARAMETER_PATH_FAILURE,
        INTRINSIC_FAILURE,
        QUERY_EVALUATION_ERROR,
        NO_CHOICE_MATCHED,
        BRANCH_FAILED,
        EXCEED_TOLERATED_FAILURE_THRESHOLD,
        ITEM_READER_FAILED,
        RESULT_WRITER_FAILED,
        DATA_LIMIT_EXCEEDED,
        RUNTIME,
        HTTP_SOCKET,
    ];
}

/// An error raised while running a state: `Error` (the name) and `Cause` (free text).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StatesError {
    pub error: Option<String>,
    pub cause: Option<String>,
}

impl StatesError {
    /// An error with a name and a cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        StatesError {
            error: Some(error.into()),
            cause: Some(cause.into()),
        }
    }

    /// An error with a name and no cause.
    pub fn named(error: impl Into<String>) -> Self {
        StatesError {
            error: Some(error.into()),
            cause: None,
        }
    }

    /// `States.Runtime`: path misses and other faults nothing can catch.
    pub fn runtime(cause: impl Into<String>) -> Self {
        Self::new(names::RUNTIME, cause)
    }

    /// `States.IntrinsicFailure`: an intrinsic function rejected its arguments.
    pub fn intrinsic_failure(cause: impl Into<String>) -> Self {
        Self::new(names::INTRINSIC_FAILURE, cause)
    }

    /// `States.DataLimitExceeded`: a payload above the size limit.
    pub fn data_limit_exceeded(cause: impl Into<String>) -> Self {
        Self::new(names::DATA_LIMIT_EXCEEDED, cause)
    }

    /// `States.Timeout`.
    pub fn timeout(cause: impl Into<String>) -> Self {
        Self::new(names::TIMEOUT, cause)
    }

    /// `States.TaskFailed`.
    pub fn task_failed(cause: impl Into<String>) -> Self {
        Self::new(names::TASK_FAILED, cause)
    }

    /// `States.NoChoiceMatched`.
    pub fn no_choice_matched(cause: impl Into<String>) -> Self {
        Self::new(names::NO_CHOICE_MATCHED, cause)
    }

    /// The error name, if any.
    pub fn name(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Whether the name is exactly `name`.
    pub fn is(&self, name: &str) -> bool {
        self.error.as_deref() == Some(name)
    }

    /// Whether a Retry or Catch may ever handle this error (false for `States.Runtime` and
    /// `States.DataLimitExceeded`).
    pub fn is_catchable(&self) -> bool {
        is_catchable(self)
    }

    /// The error output a catcher receives: `{"Error": …, "Cause": …}`.
    pub fn to_output(&self) -> Value {
        error_output(self)
    }
}

impl fmt::Display for StatesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.error, &self.cause) {
            (Some(e), Some(c)) => write!(f, "{e}: {c}"),
            (Some(e), None) => f.write_str(e),
            (None, Some(c)) => write!(f, "(no error name): {c}"),
            (None, None) => f.write_str("(no error name)"),
        }
    }
}

impl std::error::Error for StatesError {}

/// Whether any Retry or Catch may handle `err`: `States.Runtime` and `States.DataLimitExceeded`
/// end the execution even when a catcher names them explicitly.
pub fn is_catchable(err: &StatesError) -> bool {
    !(err.is(names::RUNTIME) || err.is(names::DATA_LIMIT_EXCEEDED))
}

/// Whether a retrier's or catcher's `ErrorEquals` list matches `err`.
///
/// * `States.ALL` matches everything catchable (an error without a name included).
/// * `States.TaskFailed` matches everything catchable except `States.Timeout` (and so also not a
///   heartbeat expiry, which is reported as `States.Timeout`).
/// * A heartbeat expiry (`heartbeat_expiry`) carries the name `States.Timeout` and is matched by
///   `States.Timeout` and by `States.HeartbeatTimeout`.
/// * Any other entry matches the exact, case-sensitive name.
/// * `States.Runtime` and `States.DataLimitExceeded` never match, whatever the list says.
pub fn error_equals_matches<S: AsRef<str>>(
    error_equals: &[S],
    err: &StatesError,
    heartbeat_expiry: bool,
) -> bool {
    if !is_catchable(err) {
        return false;
    }
    let name = err.name();
    error_equals.iter().any(|entry| match entry.as_ref() {
        names::ALL => true,
        names::TASK_FAILED => !(heartbeat_expiry || name == Some(names::TIMEOUT)),
        names::HEARTBEAT_TIMEOUT => heartbeat_expiry || name == Some(names::HEARTBEAT_TIMEOUT),
        other => name == Some(other),
    })
}

/// The error output handed to a catcher: `{"Error": name, "Cause": cause}`, `null` where absent.
pub fn error_output(err: &StatesError) -> Value {
    let mut map = Map::with_capacity(2);
    map.insert("Error".to_owned(), opt_string(&err.error));
    map.insert("Cause".to_owned(), opt_string(&err.cause));
    Value::Object(map)
}

fn opt_string(s: &Option<String>) -> Value {
    match s {
        Some(s) => Value::String(s.clone()),
        None => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(name: &str) -> StatesError {
        StatesError::new(name, "because")
    }

    #[test]
    fn states_all_matches_custom_and_predefined_errors() {
        assert!(error_equals_matches(
            &["States.ALL"],
            &err("MyError"),
            false
        ));
        assert!(error_equals_matches(
            &["States.ALL"],
            &err(names::TIMEOUT),
            false
        ));
        assert!(error_equals_matches(
            &["States.ALL"],
            &err(names::NO_CHOICE_MATCHED),
            false
        ));
    }

    #[test]
    fn states_all_matches_an_error_without_a_name() {
        assert!(error_equals_matches(
            &["States.ALL"],
            &StatesError::default(),
            false
        ));
    }

    #[test]
    fn runtime_is_never_matched_even_when_named() {
        let e = err(names::RUNTIME);
        assert!(!error_equals_matches(&["States.ALL"], &e, false));
        assert!(!error_equals_matches(&["States.Runtime"], &e, false));
        assert!(!error_equals_matches(&["States.TaskFailed"], &e, false));
        assert!(!e.is_catchable());
    }

    #[test]
    fn data_limit_exceeded_is_never_matched_even_when_named() {
        let e = err(names::DATA_LIMIT_EXCEEDED);
        assert!(!error_equals_matches(&["States.ALL"], &e, false));
        assert!(!error_equals_matches(
            &["States.DataLimitExceeded"],
            &e,
            false
        ));
    }

    #[test]
    fn task_failed_matches_everything_but_timeout() {
        assert!(error_equals_matches(
            &["States.TaskFailed"],
            &err("Boom"),
            false
        ));
        assert!(error_equals_matches(
            &["States.TaskFailed"],
            &err(names::PERMISSIONS),
            false
        ));
        assert!(!error_equals_matches(
            &["States.TaskFailed"],
            &err(names::TIMEOUT),
            false
        ));
    }

    #[test]
    fn heartbeat_expiry_is_matched_by_timeout_and_heartbeat_timeout() {
        let e = err(names::TIMEOUT);
        assert!(error_equals_matches(&["States.Timeout"], &e, true));
        assert!(error_equals_matches(&["States.HeartbeatTimeout"], &e, true));
        assert!(error_equals_matches(&["States.ALL"], &e, true));
        assert!(!error_equals_matches(&["States.TaskFailed"], &e, true));
    }

    #[test]
    fn heartbeat_timeout_does_not_match_a_plain_timeout() {
        assert!(!error_equals_matches(
            &["States.HeartbeatTimeout"],
            &err(names::TIMEOUT),
            false
        ));
    }

    #[test]
    fn names_are_case_sensitive() {
        assert!(!error_equals_matches(&["myerror"], &err("MyError"), false));
        assert!(error_equals_matches(
            &["Other", "MyError"],
            &err("MyError"),
            false
        ));
    }

    #[test]
    fn error_output_has_error_and_cause() {
        assert_eq!(
            error_output(&StatesError::new("E", "C")),
            json!({"Error": "E", "Cause": "C"})
        );
    }

    #[test]
    fn error_output_uses_null_for_missing_parts() {
        assert_eq!(
            error_output(&StatesError::default()),
            json!({"Error": null, "Cause": null})
        );
    }
}
