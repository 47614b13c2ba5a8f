//! HTTP to Jira over ureq: auth header, retries with backoff and jitter for 5xx and
//! timeouts, 429 waits from `Retry-After` / `X-RateLimit-Reset`, and Jira's error bodies
//! turned into `SyncError`s. The token goes into the Authorization header and nowhere else.

use super::wire::{error_messages, parse_time};
use super::{auth_error, rate_limited_error, unavailable, RetryPolicy};
use crate::{Cancel, Progress, ProgressEvent};
use crate::{Remote, Secret, SyncError};
use chrono::Utc;
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Largest answer read (a page of 5,000 issues with changelogs stays well below).
const BODY_LIMIT: u64 = 512 * 1024 * 1024;

/// Cheap to clone (the connection pool and the request count are shared), so a search page
/// can be fetched on another thread while the previous one is written.
#[derive(Clone)]
pub struct Client<'a> {
    agent: ureq::Agent,
    base: String,
    authorization: Arc<Secret>,
    retry: RetryPolicy,
    progress: &'a dyn Progress,
    cancel: &'a Cancel,
    requests: Arc<AtomicU64>,
    rng: Cell<u64>,
}

impl std::fmt::Debug for Client<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("authorization", &"***")
            .finish()
    }
}

enum Attempt {
    Done(Vec<u8>),
    /// Try again after this long (None: the policy's backoff).
    Retry {
        wait: Option<Duration>,
        why: String,
        rate_limited: bool,
    },
}

impl<'a> Client<'a> {
    pub fn new(
        base: &str,
        authorization: Secret,
        timeout: Duration,
        retry: RetryPolicy,
        progress: &'a dyn Progress,
        cancel: &'a Cancel,
    ) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .user_agent(concat!("switchyard/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let seed = Utc::now().timestamp_subsec_nanos() as u64 | 1;
        Client {
            agent,
            base: base.trim_end_matches('/').to_owned(),
            authorization: Arc::new(authorization),
            retry,
            progress,
            cancel,
            requests: Arc::new(AtomicU64::new(0)),
            rng: Cell::new(seed),
        }
    }

    /// HTTP requests sent by this client and its clones, retries included.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn get(
        &self,
        path: &str,
        query: &[(&str, &str)],
        what: &str,
    ) -> Result<Vec<u8>, SyncError> {
        self.send(path, query, None, what)
    }

    pub fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
        what: &str,
    ) -> Result<Vec<u8>, SyncError> {
        self.send(path, &[], Some(body), what)
    }

    fn send(
        &self,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
        what: &str,
    ) -> Result<Vec<u8>, SyncError> {
        let url = format!("{}{}", self.base, path);
        let mut attempt: u32 = 0;
        let mut rate_limited_attempts: u32 = 0;
        loop {
            if self.cancel.is_cancelled() {
                return Err(SyncError::Cancelled(Remote::Jira));
            }
            attempt += 1;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let started = Instant::now();
            let outcome = self.once(&url, query, body, what)?;
            match outcome {
                Attempt::Done(bytes) => {
                    tracing::debug!(
                        what,
                        ms = started.elapsed().as_millis() as u64,
                        bytes = bytes.len(),
                        "jira answered"
                    );
                    return Ok(bytes);
                }
                Attempt::Retry {
                    wait,
                    why,
                    rate_limited,
                } => {
                    let limit = if rate_limited {
                        rate_limited_attempts += 1;
                        self.retry.max_rate_limit_waits
                    } else {
                        self.retry.max_retries
                    };
                    let tries = if rate_limited {
                        rate_limited_attempts
                    } else {
                        attempt - rate_limited_attempts
                    };
                    if tries > limit {
                        return Err(if rate_limited {
                            rate_limited_error(what, attempt)
                        } else {
                            unavailable(what, attempt, why)
                        });
                    }
                    let wait = wait
                        .unwrap_or_else(|| self.backoff(tries))
                        .min(self.retry.max_wait);
                    tracing::info!(what, attempt, wait_ms = wait.as_millis() as u64, why = %why, "jira: waiting before retry");
                    self.progress.report(ProgressEvent::Waiting {
                        seconds: wait.as_secs_f64().ceil() as u64,
                        reason: why,
                    });
                    self.sleep(wait)?;
                }
            }
        }
    }

    fn once(
        &self,
        url: &str,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
        what: &str,
    ) -> Result<Attempt, SyncError> {
        let result = match body {
            None => self
                .agent
                .get(url)
                .header("Authorization", self.authorization.expose())
                .header("Accept", "application/json")
                .query_pairs(query.iter().copied())
                .call(),
            Some(b) => self
                .agent
                .post(url)
                .header("Authorization", self.authorization.expose())
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .send(b.to_string()),
        };
        let mut resp = match result {
            Ok(r) => r,
            Err(e) => {
                let transient = matches!(
                    e,
                    ureq::Error::Timeout(_) | ureq::Error::Io(_) | ureq::Error::ConnectionFailed
                );
                let why = describe(&e);
                if transient {
                    return Ok(Attempt::Retry {
                        wait: None,
                        why,
                        rate_limited: false,
                    });
                }
                return Err(unavailable(what, 1, why));
            }
        };
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v));
        let reset = header("x-ratelimit-reset").and_then(|v| parse_reset(&v));
        let read = resp
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_vec();
        let bytes = match read {
            Ok(b) => b,
            Err(e) if (200..300).contains(&status) => {
                return Ok(Attempt::Retry {
                    wait: None,
                    why: format!("reading the answer failed: {}", describe(&e)),
                    rate_limited: false,
                })
            }
            Err(_) => vec![],
        };
        Ok(match status {
            200..=299 => Attempt::Done(crate::json::without_lone_surrogates(bytes)),
            401 | 403 => {
                return Err(auth_error(
                    status,
                    error_messages(&bytes)
                        .map(|m| format!(" ({m})"))
                        .unwrap_or_default(),
                ))
            }
            404 => {
                return Err(SyncError::NotFound(format!(
                    "{what} not found (or you may not see it){}",
                    error_messages(&bytes)
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default()
                )))
            }
            429 => Attempt::Retry {
                wait: Some(retry_after.or(reset).unwrap_or(self.retry.base_delay)),
                why: format!("Jira rate limit (429) on {what}"),
                rate_limited: true,
            },
            500..=599 => Attempt::Retry {
                wait: retry_after,
                why: format!("Jira answered {status} on {what}"),
                rate_limited: false,
            },
            400..=499 => {
                return Err(SyncError::Rejected {
                    remote: Remote::Jira,
                    what: what.to_owned(),
                    status,
                    messages: error_messages(&bytes)
                        .unwrap_or_else(|| format!("HTTP {status} without an error message")),
                })
            }
            _ => {
                return Err(unavailable(
                    what,
                    1,
                    format!("unexpected HTTP status {status}"),
                ))
            }
        })
    }

    /// base * 2^(n-1), plus up to 50% jitter.
    fn backoff(&self, n: u32) -> Duration {
        let base = self.retry.base_delay.as_millis() as u64;
        let exp = base.saturating_mul(1u64 << (n.saturating_sub(1)).min(16));
        // xorshift64
        let mut x = self.rng.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng.set(x);
        let jitter = if exp > 1 { x % (exp / 2 + 1) } else { 0 };
        Duration::from_millis(exp + jitter)
    }

    /// Sleeps in small steps, so a cancel is seen quickly.
    fn sleep(&self, d: Duration) -> Result<(), SyncError> {
        let end = Instant::now() + d;
        loop {
            if self.cancel.is_cancelled() {
                return Err(SyncError::Cancelled(Remote::Jira));
            }
            let now = Instant::now();
            if now >= end {
                return Ok(());
            }
            std::thread::sleep((end - now).min(Duration::from_millis(50)));
        }
    }
}

/// ureq's error text without anything but the kind and the cause (no headers).
fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        ureq::Error::ConnectionFailed => "the connection failed".into(),
        ureq::Error::HostNotFound => "the host was not found".into(),
        ureq::Error::Io(io) => format!("network error: {}", io.kind()),
        other => other.to_string(),
    }
}

/// `Retry-After`: seconds, or an HTTP date.
fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(s) = v.parse::<f64>() {
        // A huge or odd number (1e300, -1, NaN) is not a wait Duration can hold: no wait
        // from this header, never a panic.
        return Duration::try_from_secs_f64(s).ok();
    }
    let t = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let secs = (t.with_timezone(&Utc) - Utc::now())
        .num_milliseconds()
        .max(0);
    Some(Duration::from_millis(secs as u64))
}

/// `X-RateLimit-Reset`: an ISO 8601 timestamp on Jira Cloud (`yyyy-MM-ddTHH:mmZ`).
fn parse_reset(v: &str) -> Option<Duration> {
    let t = parse_time(v)?;
    let ms = (t - Utc::now()).num_milliseconds().max(0);
    Some(Duration::from_millis(ms as u64))
}

/// The Authorization header: Basic email:token (Cloud), else Bearer (Data Center PAT).
pub fn authorization(email: Option<&str>, token: &str) -> Secret {
    match email {
        Some(email) => {
            let pair = Secret::new(format!("{email}:{token}"));
            Secret::new(format!("Basic {}", base64(pair.expose().as_bytes())))
        }
        None => Secret::new(format!("Bearer {token}")),
    }
}

fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_and_bearer() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        assert_eq!(
            authorization(Some("mia@example.com"), "tok").expose(),
            "Basic bWlhQGV4YW1wbGUuY29tOnRvaw=="
        );
        assert_eq!(authorization(None, "pat").expose(), "Bearer pat");
    }

    #[test]
    fn retry_after_and_reset() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("soon"), None);
        // Hostile values neither panic nor wait forever (the caller caps what is left).
        assert_eq!(parse_retry_after("1e300"), None);
        assert_eq!(parse_retry_after("-5"), None);
        assert_eq!(parse_retry_after("NaN"), None);
        assert_eq!(
            parse_retry_after("99999999999"),
            Some(Duration::from_secs(99_999_999_999))
        );
        let in_2_min = (Utc::now() + chrono::Duration::minutes(2))
            .format("%Y-%m-%dT%H:%MZ")
            .to_string();
        let d = parse_reset(&in_2_min).unwrap();
        assert!(
            d <= Duration::from_secs(120) && d >= Duration::from_secs(55),
            "{d:?}"
        );
    }
}
