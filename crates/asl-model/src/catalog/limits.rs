//! Service limits that the rules check against (Step Functions service quotas).

/// Largest definition AWS accepts, in bytes of UTF-8.
pub const MAX_DEFINITION_BYTES: usize = 1_048_576;
/// Longest state, state machine, execution or activity name, in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// Longest Distributed Map `Label`, in characters.
pub const MAX_MAP_LABEL_CHARS: usize = 40;
/// Longest variable name, in characters.
pub const MAX_VARIABLE_NAME_CHARS: usize = 80;
/// Largest payload (input/output of a state or execution), in bytes.
pub const MAX_PAYLOAD_BYTES: usize = 262_144;
/// Largest `IntervalSeconds` / `MaxAttempts` of a retrier.
pub const MAX_RETRY_NUMBER: u64 = 99_999_999;
/// Largest `MaxDelaySeconds` of a retrier (366 days).
pub const MAX_RETRY_DELAY_SECONDS: u64 = 31_622_400;
/// Longest Standard execution (one year), in seconds.
pub const MAX_STANDARD_EXECUTION_SECONDS: u64 = 31_536_000;
/// Longest Express execution (five minutes), in seconds.
pub const MAX_EXPRESS_EXECUTION_SECONDS: u64 = 300;
/// Most items `States.ArrayRange` may produce.
pub const MAX_ARRAY_RANGE_ITEMS: usize = 1000;
/// Deepest nesting of intrinsic function calls.
pub const MAX_INTRINSIC_NESTING: usize = 10;
/// Highest inline Map `MaxConcurrency` that runs truly concurrently.
pub const MAX_INLINE_MAP_CONCURRENCY: u64 = 40;
/// Most parallel child executions of a Distributed Map.
pub const MAX_DISTRIBUTED_MAP_CONCURRENCY: u64 = 10_000;
/// Most events in a Standard execution's history.
pub const MAX_HISTORY_EVENTS: usize = 25_000;
/// Per-request limit of an HTTP task, in seconds.
pub const HTTP_TASK_SECONDS: u64 = 60;
