//! Task tokens: the callback half of `.waitForTaskToken` (and early completion of `.sync` jobs).
//!
//! A token is minted from the OS random source when a task starts, handed to the integration
//! (`$$.Task.Token`), and answered exactly once through a cloneable [`TaskTokens`] handle with
//! `send_task_success`, `send_task_failure` or `send_task_heartbeat`. Whatever resolves a token
//! first (an answer, a missed heartbeat, the task's timeout, the execution being stopped) wins;
//! every later call gets the error AWS would return.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;

use crate::clock::{Clock, Instant};
use crate::limits::{MAX_PAYLOAD_BYTES, fits_payload_limit};

/// Random bytes in a token: 256 bits, far beyond guessing.
const TOKEN_BYTES: usize = 32;
/// Length of a token's text (lower-case hex).
pub const TOKEN_LEN: usize = TOKEN_BYTES * 2;
const SHARDS: usize = 16;
/// Timed-out tokens remembered per shard so late answers get `TaskTimedOut`; older ones are
/// forgotten and then get `TaskDoesNotExist`, which keeps memory bounded.
const TIMED_OUT_MEMORY: usize = 4096;

type Key = [u8; TOKEN_BYTES];

/// The errors of `SendTaskSuccess`, `SendTaskFailure` and `SendTaskHeartbeat`, named as AWS names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendTaskError {
    /// The token is malformed (not a token this runtime could have minted).
    InvalidToken,
    /// No open task has this token: it never existed, was already answered, or its execution ended.
    TaskDoesNotExist,
    /// The task's `TimeoutSeconds` or `HeartbeatSeconds` deadline passed.
    TaskTimedOut,
    /// The output is not JSON or is larger than 256 KiB.
    InvalidOutput,
}

impl SendTaskError {
    /// The AWS error code (`"TaskTimedOut"`, …).
    pub fn code(self) -> &'static str {
        match self {
            SendTaskError::InvalidToken => "InvalidToken",
            SendTaskError::TaskDoesNotExist => "TaskDoesNotExist",
            SendTaskError::TaskTimedOut => "TaskTimedOut",
            SendTaskError::InvalidOutput => "InvalidOutput",
        }
    }
}

impl fmt::Display for SendTaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for SendTaskError {}

/// The `output` of `send_task_success`: a JSON value, or JSON text to be parsed.
#[derive(Debug, Clone)]
pub enum TaskOutput {
    /// An already parsed value.
    Value(Value),
    /// JSON text, as the AWS API receives it.
    Text(String),
}

impl From<Value> for TaskOutput {
    fn from(value: Value) -> Self {
        TaskOutput::Value(value)
    }
}

impl From<&str> for TaskOutput {
    fn from(text: &str) -> Self {
        TaskOutput::Text(text.to_owned())
    }
}

impl From<String> for TaskOutput {
    fn from(text: String) -> Self {
        TaskOutput::Text(text)
    }
}

impl TaskOutput {
    fn into_value(self) -> Result<Value, SendTaskError> {
        match self {
            TaskOutput::Value(value) => {
                if !fits_payload_limit(&value) {
                    return Err(SendTaskError::InvalidOutput);
                }
                Ok(value)
            }
            TaskOutput::Text(text) => {
                if text.len() > MAX_PAYLOAD_BYTES {
                    return Err(SendTaskError::InvalidOutput);
                }
                serde_json::from_str(&text).map_err(|_| SendTaskError::InvalidOutput)
            }
        }
    }
}

/// How a token was resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// `SendTaskSuccess` (or a `.sync` job finishing) with this output.
    Success(Value),
    /// `SendTaskFailure` (or the integration failing) with this error and cause.
    Failure {
        error: Option<String>,
        cause: Option<String>,
    },
    /// `TimeoutSeconds` passed.
    TimedOut,
    /// `HeartbeatSeconds` passed without a heartbeat.
    HeartbeatTimedOut,
}

struct Slot {
    answer: oneshot::Sender<Resolution>,
    timeout_at: Instant,
    heartbeat: Option<Heartbeat>,
}

#[derive(Clone, Copy)]
struct Heartbeat {
    interval: Duration,
    deadline: Instant,
}

impl Slot {
    /// The first deadline still ahead of the task, and what passing it means.
    fn next_deadline(&self) -> (Instant, Resolution) {
        match self.heartbeat {
            Some(hb) if hb.deadline < self.timeout_at => {
                (hb.deadline, Resolution::HeartbeatTimedOut)
            }
            _ => (self.timeout_at, Resolution::TimedOut),
        }
    }
}

#[derive(Default)]
struct Shard {
    open: HashMap<Key, Slot>,
    timed_out: HashSet<Key>,
    timed_out_order: VecDeque<Key>,
}

impl Shard {
    fn remember_timed_out(&mut self, key: Key) {
        if self.timed_out.insert(key) {
            self.timed_out_order.push_back(key);
            if self.timed_out_order.len() > TIMED_OUT_MEMORY
                && let Some(old) = self.timed_out_order.pop_front()
            {
                self.timed_out.remove(&old);
            }
        }
    }

    /// Removes the slot of `key` because `now` is past one of its deadlines; answers the waiter.
    fn expire(&mut self, key: Key, now: Instant) -> bool {
        let expired = match self.open.get(&key) {
            Some(slot) => {
                let (deadline, _) = slot.next_deadline();
                now >= deadline
            }
            None => false,
        };
        if expired && let Some(slot) = self.open.remove(&key) {
            let (_, why) = slot.next_deadline();
            let _ = slot.answer.send(why);
            self.remember_timed_out(key);
        }
        expired
    }
}

struct Registry {
    shards: Vec<Mutex<Shard>>,
    clock: Arc<dyn Clock>,
}

impl Registry {
    fn shard(&self, key: &Key) -> MutexGuard<'_, Shard> {
        let index = usize::from(key[0]) % SHARDS;
        // A panic while holding the lock leaves the map consistent (every change is one call),
        // so a poisoned lock is still usable.
        match self.shards[index].lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// The cloneable, thread-safe handle through which workers answer task tokens
/// (`SendTaskSuccess`, `SendTaskFailure`, `SendTaskHeartbeat`).
#[derive(Clone)]
pub struct TaskTokens {
    registry: Arc<Registry>,
}

impl fmt::Debug for TaskTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskTokens")
            .field("open", &self.open_count())
            .finish()
    }
}

impl TaskTokens {
    /// A registry whose deadlines are measured on `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        TaskTokens {
            registry: Arc::new(Registry {
                shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
                clock,
            }),
        }
    }

    /// Completes the task of `token` with `output` (a [`Value`] or JSON text).
    pub fn send_task_success(
        &self,
        token: &str,
        output: impl Into<TaskOutput>,
    ) -> Result<(), SendTaskError> {
        let key = parse_token(token)?;
        let value = output.into().into_value()?;
        self.resolve(key, Resolution::Success(value))
    }

    /// Fails the task of `token` with `error` and `cause` (both optional, as in AWS).
    pub fn send_task_failure(
        &self,
        token: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> Result<(), SendTaskError> {
        let key = parse_token(token)?;
        self.resolve(
            key,
            Resolution::Failure {
                error: error.map(str::to_owned),
                cause: cause.map(str::to_owned),
            },
        )
    }

    /// Reports that the task of `token` is still alive: restarts its `HeartbeatSeconds` clock
    /// (never its `TimeoutSeconds`).
    pub fn send_task_heartbeat(&self, token: &str) -> Result<(), SendTaskError> {
        let key = parse_token(token)?;
        let now = self.registry.clock.instant();
        let mut shard = self.registry.shard(&key);
        if shard.expire(key, now) {
            return Err(SendTaskError::TaskTimedOut);
        }
        match shard.open.get_mut(&key) {
            Some(slot) => {
                if let Some(hb) = slot.heartbeat.as_mut() {
                    hb.deadline = now + hb.interval;
                }
                Ok(())
            }
            None => Err(missing(&shard, &key)),
        }
    }

    /// Number of tokens waiting for an answer.
    pub fn open_count(&self) -> usize {
        self.registry
            .shards
            .iter()
            .map(|s| match s.lock() {
                Ok(g) => g.open.len(),
                Err(p) => p.into_inner().open.len(),
            })
            .sum()
    }

    fn resolve(&self, key: Key, resolution: Resolution) -> Result<(), SendTaskError> {
        let now = self.registry.clock.instant();
        let mut shard = self.registry.shard(&key);
        if shard.expire(key, now) {
            return Err(SendTaskError::TaskTimedOut);
        }
        match shard.open.remove(&key) {
            Some(slot) => {
                drop(shard);
                // The waiter may have gone (execution stopped) in between; the answer still counts
                // as delivered, as AWS accepts it until the task is closed.
                let _ = slot.answer.send(resolution);
                Ok(())
            }
            None => Err(missing(&shard, &key)),
        }
    }

    /// Mints a token for a task that starts now, with its deadlines (`TimeoutSeconds`, and
    /// `HeartbeatSeconds` if any). The state drivers do this for every callback and run-a-job
    /// attempt; it is public for integrations that hand out tokens themselves (activities).
    pub fn mint(
        &self,
        timeout: Duration,
        heartbeat: Option<Duration>,
    ) -> Result<PendingToken, getrandom::Error> {
        let mut key = [0u8; TOKEN_BYTES];
        fill_random(&mut key)?;
        let now = self.registry.clock.instant();
        let (answer, receiver) = oneshot::channel();
        let slot = Slot {
            answer,
            timeout_at: now.checked_add(timeout).unwrap_or(now + FAR_AWAY),
            heartbeat: heartbeat.map(|interval| Heartbeat {
                interval,
                deadline: now.checked_add(interval).unwrap_or(now + FAR_AWAY),
            }),
        };
        self.registry.shard(&key).open.insert(key, slot);
        Ok(PendingToken {
            registry: Arc::clone(&self.registry),
            far_away: now + NEVER_FIRES,
            key,
            receiver,
        })
    }
}

/// AWS's default `TimeoutSeconds` (about 3.2 years, beyond an execution's one-year limit): a
/// deadline this far away is treated as never firing, so a parked task keeps no timer.
const NEVER_FIRES: Duration = Duration::from_secs(99_999_999);

/// ~30 years: the stand-in for "never" that the timer can still represent.
const FAR_AWAY: Duration = Duration::from_secs(1_000_000_000);

fn missing(shard: &Shard, key: &Key) -> SendTaskError {
    if shard.timed_out.contains(key) {
        SendTaskError::TaskTimedOut
    } else {
        SendTaskError::TaskDoesNotExist
    }
}

/// The driver's side of an open token: waits for its resolution. Dropping it (the execution was
/// stopped, a sibling branch failed) closes the task, so later answers get `TaskDoesNotExist`.
pub struct PendingToken {
    registry: Arc<Registry>,
    /// Deadlines at or beyond this never fire in practice (no timer is kept for them).
    far_away: Instant,
    key: Key,
    receiver: oneshot::Receiver<Resolution>,
}

impl PendingToken {
    /// The token's text, as `$$.Task.Token` shows it (built on demand: a parked task keeps only
    /// the raw bytes).
    pub fn token(&self) -> String {
        encode(&self.key)
    }

    /// Resolves the token from the runtime's side (the integration itself answered). Returns
    /// `false` when something else resolved it first; [`wait`](Self::wait) then yields that.
    pub fn resolve(&self, resolution: Resolution) -> bool {
        let mut shard = self.registry.shard(&self.key);
        let now = self.registry.clock.instant();
        if shard.expire(self.key, now) {
            return false;
        }
        match shard.open.remove(&self.key) {
            Some(slot) => {
                let _ = slot.answer.send(resolution);
                true
            }
            None => false,
        }
    }

    /// Waits until the token is resolved: by an answer, or by a deadline passing.
    pub async fn wait(&mut self) -> Resolution {
        loop {
            let deadline = {
                let now = self.registry.clock.instant();
                let mut shard = self.registry.shard(&self.key);
                shard.expire(self.key, now);
                shard.open.get(&self.key).map(|slot| slot.next_deadline().0)
            };
            match deadline {
                // No deadline, or one beyond any execution's lifetime: no timer to keep.
                None => return self.answer().await,
                Some(deadline) if deadline >= self.far_away => return self.answer().await,
                Some(deadline) => {
                    let sleep = self.registry.clock.sleep_until(deadline);
                    tokio::select! {
                        biased;
                        answer = &mut self.receiver => return answer.unwrap_or(Resolution::TimedOut),
                        () = sleep => {}
                    }
                }
            }
        }
    }

    async fn answer(&mut self) -> Resolution {
        // The slot was removed by whoever resolved it, and they send right after; a dropped
        // sender cannot happen without a panic elsewhere, and then a timeout is the honest answer.
        (&mut self.receiver).await.unwrap_or(Resolution::TimedOut)
    }
}

impl Drop for PendingToken {
    fn drop(&mut self) {
        let mut shard = self.registry.shard(&self.key);
        shard.open.remove(&self.key);
    }
}

/// Bytes fetched from the OS random source per refill of a thread's buffer: the bytes of every
/// token still come straight from the OS, one system call serves 128 tokens.
const RANDOM_BUFFER: usize = 4096;

thread_local! {
    static RANDOM: std::cell::RefCell<(Vec<u8>, usize)> = const { std::cell::RefCell::new((Vec::new(), 0)) };
}

/// Fills `out` with bytes from the OS random source (through a per-thread buffer; each byte is
/// handed out once).
fn fill_random(out: &mut [u8]) -> Result<(), getrandom::Error> {
    if out.len() > RANDOM_BUFFER {
        return getrandom::fill(out);
    }
    RANDOM.with(|cell| {
        let mut guard = cell.borrow_mut();
        let (buffer, used) = &mut *guard;
        if buffer.len() != RANDOM_BUFFER || *used + out.len() > RANDOM_BUFFER {
            buffer.resize(RANDOM_BUFFER, 0);
            getrandom::fill(buffer)?;
            *used = 0;
        }
        if let Some(bytes) = buffer.get(*used..*used + out.len()) {
            out.copy_from_slice(bytes);
            // Never hand out the same bytes twice, even to another caller on this thread.
            if let Some(spent) = buffer.get_mut(*used..*used + out.len()) {
                spent.fill(0);
            }
        }
        *used += out.len();
        Ok(())
    })
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn encode(key: &Key) -> String {
    let mut text = String::with_capacity(TOKEN_LEN);
    for byte in key {
        text.push(char::from(HEX[usize::from(byte >> 4)]));
        text.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    text
}

fn parse_token(token: &str) -> Result<Key, SendTaskError> {
    let bytes = token.as_bytes();
    if bytes.len() != TOKEN_LEN {
        return Err(SendTaskError::InvalidToken);
    }
    let mut key = [0u8; TOKEN_BYTES];
    for (out, pair) in key.iter_mut().zip(bytes.chunks_exact(2)) {
        let (Some(hi), Some(lo)) = (
            pair.first().and_then(|&c| hex_value(c)),
            pair.get(1).and_then(|&c| hex_value(c)),
        ) else {
            return Err(SendTaskError::InvalidToken);
        };
        *out = (hi << 4) | lo;
    }
    Ok(key)
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::TokioClock;
    use serde_json::json;

    fn tokens() -> TaskTokens {
        TaskTokens::new(Arc::new(TokioClock::new()))
    }

    const LONG: Duration = Duration::from_secs(99_999_999);

    #[tokio::test]
    async fn minted_tokens_are_distinct_hex_of_fixed_length() {
        let tokens = tokens();
        let a = tokens.mint(LONG, None).unwrap();
        let b = tokens.mint(LONG, None).unwrap();
        assert_ne!(a.token(), b.token());
        assert_eq!(a.token().len(), TOKEN_LEN);
        assert!(a.token().bytes().all(|c| c.is_ascii_hexdigit()));
    }

    #[tokio::test]
    async fn success_reaches_the_waiter() {
        let tokens = tokens();
        let mut pending = tokens.mint(LONG, None).unwrap();
        let token = pending.token().to_owned();
        tokens
            .send_task_success(&token, json!({"ok": true}))
            .unwrap();
        assert_eq!(
            pending.wait().await,
            Resolution::Success(json!({"ok": true}))
        );
    }

    #[tokio::test]
    async fn a_second_answer_is_rejected_as_task_does_not_exist() {
        let tokens = tokens();
        let pending = tokens.mint(LONG, None).unwrap();
        let token = pending.token().to_owned();
        tokens.send_task_success(&token, "1").unwrap();
        assert_eq!(
            tokens.send_task_failure(&token, Some("E"), None),
            Err(SendTaskError::TaskDoesNotExist)
        );
        assert_eq!(
            tokens.send_task_heartbeat(&token),
            Err(SendTaskError::TaskDoesNotExist)
        );
    }

    #[tokio::test]
    async fn malformed_tokens_are_invalid() {
        let tokens = tokens();
        assert_eq!(
            tokens.send_task_heartbeat(""),
            Err(SendTaskError::InvalidToken)
        );
        assert_eq!(
            tokens.send_task_heartbeat("zz"),
            Err(SendTaskError::InvalidToken)
        );
        let upper = "A".repeat(TOKEN_LEN);
        assert_eq!(
            tokens.send_task_heartbeat(&upper),
            Err(SendTaskError::InvalidToken)
        );
        let unknown = "0".repeat(TOKEN_LEN);
        assert_eq!(
            tokens.send_task_heartbeat(&unknown),
            Err(SendTaskError::TaskDoesNotExist)
        );
    }

    #[tokio::test]
    async fn output_that_is_not_json_or_too_large_is_invalid() {
        let tokens = tokens();
        let pending = tokens.mint(LONG, None).unwrap();
        let token = pending.token().to_owned();
        assert_eq!(
            tokens.send_task_success(&token, "{nope"),
            Err(SendTaskError::InvalidOutput)
        );
        let big = Value::String("x".repeat(MAX_PAYLOAD_BYTES));
        assert_eq!(
            tokens.send_task_success(&token, big),
            Err(SendTaskError::InvalidOutput)
        );
        // The token is still open after a rejected output.
        tokens.send_task_success(&token, "null").unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn after_the_timeout_answers_get_task_timed_out() {
        let tokens = tokens();
        let mut pending = tokens.mint(Duration::from_secs(10), None).unwrap();
        let token = pending.token().to_owned();
        assert_eq!(pending.wait().await, Resolution::TimedOut);
        assert_eq!(
            tokens.send_task_success(&token, "1"),
            Err(SendTaskError::TaskTimedOut)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_answer_arriving_after_the_deadline_loses_even_before_the_waiter_wakes() {
        let tokens = tokens();
        let mut pending = tokens.mint(Duration::from_secs(10), None).unwrap();
        let token = pending.token().to_owned();
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(
            tokens.send_task_success(&token, "1"),
            Err(SendTaskError::TaskTimedOut)
        );
        assert_eq!(pending.wait().await, Resolution::TimedOut);
    }

    #[tokio::test(start_paused = true)]
    async fn heartbeats_push_the_heartbeat_deadline_but_not_the_timeout() {
        let tokens = tokens();
        let mut pending = tokens
            .mint(Duration::from_secs(100), Some(Duration::from_secs(10)))
            .unwrap();
        let token = pending.token().to_owned();
        let start = Instant::now();
        let beats = tokens.clone();
        let worker = tokio::spawn(async move {
            while beats.send_task_heartbeat(&token).is_ok() {
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
        assert_eq!(pending.wait().await, Resolution::TimedOut);
        assert_eq!(start.elapsed(), Duration::from_secs(100));
        worker.await.unwrap();
    }

    #[tokio::test]
    async fn dropping_the_waiter_closes_the_task() {
        let tokens = tokens();
        let pending = tokens.mint(LONG, None).unwrap();
        let token = pending.token().to_owned();
        drop(pending);
        assert_eq!(tokens.open_count(), 0);
        assert_eq!(
            tokens.send_task_success(&token, "1"),
            Err(SendTaskError::TaskDoesNotExist)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn each_token_resolves_exactly_once_under_racing_threads() {
        let tokens = tokens();
        let mut waiters = Vec::new();
        for i in 0..2000u64 {
            // Deadlines and answers spread over the same few milliseconds.
            let mut pending = tokens
                .mint(Duration::from_micros(1000 + (i * 37) % 1500), None)
                .unwrap();
            let token = pending.token();
            let (a, b) = (tokens.clone(), tokens.clone());
            let (ta, tb) = (token.clone(), token.clone());
            let success = tokio::spawn(async move {
                tokio::time::sleep(Duration::from_micros((i * 53) % 2500)).await;
                a.send_task_success(&ta, json!(i))
            });
            let failure = tokio::spawn(async move {
                tokio::time::sleep(Duration::from_micros((i * 71) % 2500)).await;
                b.send_task_failure(&tb, Some("Lost"), None)
            });
            let waiter = tokio::spawn(async move { pending.wait().await });
            waiters.push((i, waiter, success, failure));
        }
        for (i, waiter, success, failure) in waiters {
            let resolution = waiter.await.unwrap();
            let (success, failure) = (success.await.unwrap(), failure.await.unwrap());
            match resolution {
                Resolution::Success(v) => {
                    assert_eq!(v, json!(i));
                    assert!(success.is_ok() && failure.is_err());
                }
                Resolution::Failure { .. } => assert!(failure.is_ok() && success.is_err()),
                Resolution::TimedOut => {
                    assert_eq!(success, Err(SendTaskError::TaskTimedOut));
                    assert_eq!(failure, Err(SendTaskError::TaskTimedOut));
                }
                Resolution::HeartbeatTimedOut => panic!("no heartbeat was configured"),
            }
        }
        assert_eq!(tokens.open_count(), 0);
    }
}
