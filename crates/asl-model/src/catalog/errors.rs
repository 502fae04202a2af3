//! The predefined `States.*` error names and how Retry/Catch treat them.

/// One predefined error name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PredefinedError {
    pub name: &'static str,
    /// Whether a retrier or catcher that names it (or `States.ALL`) can ever
    /// match it. `States.Runtime` and `States.DataLimitExceeded` end the
    /// execution regardless.
    pub catchable: bool,
    /// One line: when it is raised.
    pub raised_when: &'static str,
}

const fn error(name: &'static str, catchable: bool, raised_when: &'static str) -> PredefinedError {
    PredefinedError {
        name,
        catchable,
        raised_when,
    }
}

/// Every `States.*` name the language defines (spec plus AWS additions).
pub static PREDEFINED_ERRORS: &[PredefinedError] = &[
    error("States.ALL", true, "wildcard matching any catchable error"),
    error(
        "States.TaskFailed",
        true,
        "a task failed (wildcard for all but States.Timeout)",
    ),
    error(
        "States.Timeout",
        true,
        "a task ran longer than TimeoutSeconds or missed a heartbeat",
    ),
    error(
        "States.HeartbeatTimeout",
        true,
        "a task missed its heartbeat",
    ),
    error(
        "States.Permissions",
        true,
        "insufficient privileges to run the task",
    ),
    error(
        "States.ResultPathMatchFailure",
        true,
        "ResultPath could not be applied",
    ),
    error(
        "States.ParameterPathFailure",
        true,
        "a `.$` path in Parameters could not be applied",
    ),
    error(
        "States.IntrinsicFailure",
        true,
        "an intrinsic function call failed",
    ),
    error(
        "States.QueryEvaluationError",
        true,
        "a JSONata expression failed",
    ),
    error(
        "States.NoChoiceMatched",
        true,
        "no Choice rule matched and there is no Default",
    ),
    error("States.BranchFailed", true, "a Parallel branch failed"),
    error(
        "States.ExceedToleratedFailureThreshold",
        true,
        "a Map run failed more items than tolerated",
    ),
    error(
        "States.ItemReaderFailed",
        true,
        "a Distributed Map could not read its items",
    ),
    error(
        "States.ResultWriterFailed",
        true,
        "a Distributed Map could not write its results",
    ),
    error(
        "States.Http.Socket",
        true,
        "an HTTP task exceeded 60 seconds",
    ),
    error(
        "States.DataLimitExceeded",
        false,
        "a payload exceeded 256 KiB",
    ),
    error(
        "States.Runtime",
        false,
        "an unprocessable runtime fault (e.g. a path that matches nothing)",
    ),
];

/// The predefined error called `name` (case-sensitive).
pub fn predefined_error(name: &str) -> Option<&'static PredefinedError> {
    PREDEFINED_ERRORS.iter().find(|e| e.name == name)
}

/// Whether `name` uses the reserved `States.` prefix.
pub fn is_reserved_error_name(name: &str) -> bool {
    name.starts_with("States.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_and_data_limit_are_not_catchable() {
        assert_eq!(
            predefined_error("States.Runtime").map(|e| e.catchable),
            Some(false)
        );
        assert_eq!(
            predefined_error("States.DataLimitExceeded").map(|e| e.catchable),
            Some(false)
        );
        assert_eq!(
            predefined_error("States.Timeout").map(|e| e.catchable),
            Some(true)
        );
    }

    #[test]
    fn names_are_case_sensitive() {
        assert!(predefined_error("States.timeout").is_none());
        assert!(is_reserved_error_name("States.Custom"));
        assert!(!is_reserved_error_name("MyError"));
    }
}
