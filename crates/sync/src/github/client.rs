//! The HTTP side: octocrab's client (hyper, rustls, timeouts, redirects) with Switchyard's own
//! rules on top: the pinned API version, a User-Agent, the token only for the configured host,
//! at most `max_in_flight` requests at once, `Link` pagination as given, and GitHub's primary
//! and secondary rate limits, 401/403/404 and 5xx told apart.

use super::err;
use crate::{Cancel, Progress, ProgressEvent};
use crate::{Remote, Secret, SyncError};
use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use http::{StatusCode, Uri};
use http_body_util::BodyExt;
use octocrab::Octocrab;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Semaphore;

pub const API_VERSION: &str = "2022-11-28";
/// The index of GraphQL's primary limit in `Client::blocked_until` (REST's is 0).
const GRAPHQL_BUDGET: usize = 1;
const USER_AGENT_VALUE: &str = concat!("switchyard/", env!("CARGO_PKG_VERSION"));
/// Retries of one request after a 5xx or a transport error.
const SERVER_RETRIES: u32 = 3;
/// Waits for one request on a secondary limit before giving up.
const SECONDARY_RETRIES: u32 = 6;
/// Waits for one request on a primary limit before giving up.
const PRIMARY_RETRIES: u32 = 3;

/// What one server may make the client do at most: none of a hostile or broken server's
/// answers (a `Retry-After` of a year, a body without end, an answer dripped a byte a minute)
/// can hang a sync or exhaust memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest one wait may be (`Retry-After`, `x-ratelimit-reset`); a server asking for
    /// longer gets an error that says when to try again instead.
    pub max_wait: Duration,
    /// One request from sending to its last byte.
    pub deadline: Duration,
    /// The largest body read.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_wait: Duration::from_secs(120),
            deadline: Duration::from_secs(120),
            max_body: 64 * 1024 * 1024,
        }
    }
}

/// One answer: status, headers and the whole body.
pub struct Answer {
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// The `rel="next"` URL of the `Link` header, exactly as given.
    pub fn next(&self) -> Option<String> {
        self.headers
            .get_all("link")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(next_link)
    }
}

/// The `rel="next"` target of a `Link` header value.
pub fn next_link(value: &str) -> Option<String> {
    value.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim();
                p == "rel=\"next\"" || p == "rel=next"
            })
            .then(|| url.to_string())
    })
}

pub struct Client {
    octo: Octocrab,
    base: String,
    authority: String,
    auth: Option<HeaderValue>,
    permits: Semaphore,
    requests: AtomicU64,
    /// Epoch seconds until which the primary limit is spent (from a `remaining: 0`): REST's
    /// (`core`) and GraphQL's, which GitHub counts apart.
    blocked_until: Mutex<[u64; 2]>,
    progress: Arc<dyn Progress>,
    cancel: Cancel,
    /// The first pause before retrying a 5xx or a network error (doubled each time).
    retry_delay: Duration,
    limits: Limits,
}

/// Why one request got no answer.
enum Unanswered {
    /// A network error or the deadline: worth another try.
    Transient(String),
    /// Not worth another try (a body over the cap, a cancel).
    Final(SyncError),
}

fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn header_u64(h: &HeaderMap, name: &str) -> Option<u64> {
    h.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn message_of(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message")?.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A wait as people read it: "45 s", "3 h 20 min", "more than a year".
fn long_wait(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        172_800..=31_535_999 => format!("{} days", s / 86_400),
        _ => "more than a year".into(),
    }
}

/// The URL without its query (what error messages name; never a token, Switchyard puts none
/// in URLs, but queries can be long).
fn short(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

impl Client {
    pub fn new(
        api_url: &str,
        token: Option<&Secret>,
        max_in_flight: usize,
        retry_delay: Duration,
        limits: Limits,
        progress: Arc<dyn Progress>,
        cancel: Cancel,
    ) -> Result<Self, SyncError> {
        let base = api_url.trim_end_matches('/').to_string();
        let uri: Uri = base
            .parse()
            .map_err(|_| err::invalid_url(format!("not a URL: {base}")))?;
        let authority = match (uri.scheme_str(), uri.authority()) {
            (Some(scheme @ ("http" | "https")), Some(a)) => {
                format!("{scheme}://{}", a.as_str().to_ascii_lowercase())
            }
            _ => {
                return Err(err::invalid_url(format!(
                    "the API URL must be http(s)://HOST[/api/v3], got {base}"
                )))
            }
        };
        let auth = match token {
            Some(t) => {
                let mut v =
                    HeaderValue::from_str(&format!("Bearer {}", t.expose())).map_err(|_| {
                        err::invalid("the token has characters a header cannot carry".into())
                    })?;
                v.set_sensitive(true);
                Some(v)
            }
            None => None,
        };
        // Retries and rate limits are handled here (with progress and cancel), not by
        // octocrab's retry layer; the token is set per request (octocrab only sends its own
        // token to api.github.com, so Enterprise `Link` URLs would go out unauthenticated).
        let octo = Octocrab::builder()
            .base_uri(base.as_str())
            .map_err(|e| err::invalid_url(format!("bad API URL {base}: {e}")))?
            .add_retry_config(octocrab::service::middleware::retry::RetryConfig::None)
            .set_connect_timeout(Some(Duration::from_secs(15)))
            .set_read_timeout(Some(Duration::from_secs(60)))
            .build()
            .map_err(|e| err::unavailable(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Client {
            octo,
            base,
            authority,
            auth,
            permits: Semaphore::new(max_in_flight.max(1)),
            requests: AtomicU64::new(0),
            blocked_until: Mutex::new([0, 0]),
            progress,
            cancel,
            retry_delay,
            limits,
        })
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{}", self.base, path_and_query)
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn cancel(&self) -> &Cancel {
        &self.cancel
    }

    fn headers_for(&self, uri: &Uri) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            ACCEPT,
            HeaderValue::from_static("application/vnd.github+json"),
        );
        h.insert(
            HeaderName::from_static("x-github-api-version"),
            HeaderValue::from_static(API_VERSION),
        );
        h.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        // The token goes only to the API URL's scheme, host and port: never to a `Link`
        // of another host, nor over plain http to the same one.
        let same_host = match (uri.scheme_str(), uri.authority()) {
            (_, None) => true,
            (Some(scheme), Some(a)) => {
                format!("{scheme}://{}", a.as_str()).eq_ignore_ascii_case(&self.authority)
            }
            (None, Some(_)) => false,
        };
        if let (Some(auth), true) = (&self.auth, same_host) {
            h.insert(AUTHORIZATION, auth.clone());
        }
        h
    }

    /// Sleeps `seconds`, saying why, and stops early when cancelled.
    async fn wait(&self, seconds: u64, reason: String) -> Result<(), SyncError> {
        self.wait_for(Duration::from_secs(seconds), reason).await
    }

    async fn wait_for(&self, pause: Duration, reason: String) -> Result<(), SyncError> {
        if pause > self.limits.max_wait {
            return Err(err::rate_limited(format!(
                "{reason}: GitHub asks to wait {}, longer than the {} s this sync waits at most; run it again later",
                long_wait(pause),
                self.limits.max_wait.as_secs()
            )));
        }
        let seconds = pause.as_secs() + u64::from(pause.subsec_nanos() > 0);
        tracing::info!(seconds, %reason, "github: waiting");
        self.progress
            .report(ProgressEvent::Waiting { seconds, reason });
        let until = tokio::time::Instant::now() + pause;
        while tokio::time::Instant::now() < until {
            if self.cancel.is_cancelled() {
                return Err(SyncError::Cancelled(Remote::Github));
            }
            let left = until - tokio::time::Instant::now();
            tokio::time::sleep(left.min(Duration::from_millis(200))).await;
        }
        Ok(())
    }

    async fn wait_for_primary_reset(&self, budget: usize) -> Result<(), SyncError> {
        let until = self.blocked_until.lock().unwrap_or_else(|e| e.into_inner())[budget];
        let now = now_epoch();
        if until > now {
            let resets =
                chrono::DateTime::from_timestamp(i64::try_from(until).unwrap_or(i64::MAX), 0)
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                    .unwrap_or_else(|| format!("epoch {until}"));
            self.wait(
                until - now,
                format!("GitHub's rate limit is spent until {resets}"),
            )
            .await?;
        }
        Ok(())
    }

    fn note_limits(&self, h: &HeaderMap, budget: usize) {
        if header_u64(h, "x-ratelimit-remaining") == Some(0) {
            if let Some(reset) = header_u64(h, "x-ratelimit-reset") {
                let mut b = self.blocked_until.lock().unwrap_or_else(|e| e.into_inner());
                b[budget] = b[budget].max(reset);
            }
        }
    }

    /// Sends one GET and reads its whole body, within the deadline and the body cap; a
    /// cancel stops it in flight.
    async fn send(
        &self,
        uri: &Uri,
        body: Option<&serde_json::Value>,
    ) -> Result<(StatusCode, HeaderMap, Vec<u8>), Unanswered> {
        let exchange = async {
            let resp = match body {
                None => {
                    self.octo
                        ._get_with_headers(uri.clone(), Some(self.headers_for(uri)))
                        .await
                }
                Some(body) => {
                    let mut builder = http::Request::builder()
                        .method(http::Method::POST)
                        .uri(uri.clone());
                    for (k, v) in self.headers_for(uri).iter() {
                        builder = builder.header(k, v);
                    }
                    match self.octo.build_request(builder, Some(body)) {
                        Ok(request) => self.octo.execute(request).await,
                        Err(e) => Err(e),
                    }
                }
            }
            .map_err(|e| Unanswered::Transient(e.to_string()))?;
            let (parts, mut body) = resp.into_parts();
            let mut bytes = Vec::new();
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| Unanswered::Transient(e.to_string()))?;
                if let Some(data) = frame.data_ref() {
                    if bytes.len() + data.len() > self.limits.max_body {
                        return Err(Unanswered::Final(err::bad_response(format!(
                            "GitHub's answer to {} is larger than {} MB, the most this sync reads",
                            short(&uri.to_string()),
                            self.limits.max_body / (1024 * 1024)
                        ))));
                    }
                    bytes.extend_from_slice(data);
                }
            }
            Ok((
                parts.status,
                parts.headers,
                crate::json::without_lone_surrogates(bytes),
            ))
        };
        let cancelled = async {
            while !self.cancel.is_cancelled() {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        tokio::select! {
            answer = tokio::time::timeout(self.limits.deadline, exchange) => match answer {
                Ok(answer) => answer,
                Err(_) => Err(Unanswered::Transient(format!(
                    "no whole answer within {} s",
                    self.limits.deadline.as_secs_f64()
                ))),
            },
            () = cancelled => Err(Unanswered::Final(SyncError::Cancelled(Remote::Github))),
        }
    }

    /// GET `url` (absolute, as built by `url()` or given by a `Link` header) and return the
    /// 2xx answer; waits out rate limits and retries 5xx, then fails with a clear error.
    pub async fn get(&self, url: &str) -> Result<Answer, SyncError> {
        self.request(url, None).await
    }

    /// POST `body` as JSON to `url` (GitHub's GraphQL endpoint), with the same rules as
    /// [`Client::get`]: the token only for the API URL's origin, rate limits waited out,
    /// 5xx retried.
    pub async fn post(&self, url: &str, body: &serde_json::Value) -> Result<Answer, SyncError> {
        self.request(url, Some(body)).await
    }

    /// The GraphQL endpoint of the API URL: `https://api.github.com/graphql`, and
    /// `https://HOST/api/graphql` for GitHub Enterprise Server's `https://HOST/api/v3`.
    pub fn graphql_url(&self) -> String {
        match self.base.strip_suffix("/api/v3") {
            Some(host) => format!("{host}/api/graphql"),
            None => format!("{}/graphql", self.base),
        }
    }

    /// Notes that the primary limit is spent until `epoch` (a GraphQL `RATE_LIMITED` or a
    /// `rateLimit` with nothing left): the next request waits until then (or fails at
    /// once when that is longer than the longest wait).
    pub fn spent_until(&self, epoch: u64) {
        let mut b = self.blocked_until.lock().unwrap_or_else(|e| e.into_inner());
        b[GRAPHQL_BUDGET] = b[GRAPHQL_BUDGET].max(epoch);
    }

    /// Waits `seconds` (a limit whose reset already passed), saying why.
    pub async fn pause(&self, seconds: u64, reason: String) -> Result<(), SyncError> {
        self.wait(seconds, reason).await
    }

    async fn request(
        &self,
        url: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, SyncError> {
        let uri: Uri = url
            .parse()
            .map_err(|_| err::bad_response(format!("GitHub gave a bad URL: {}", short(url))))?;
        // A POST is a GraphQL query: GraphQL's budget, not REST's.
        let budget = if body.is_some() { GRAPHQL_BUDGET } else { 0 };
        let (mut server_tries, mut secondary_tries, mut primary_tries) = (0u32, 0u32, 0u32);
        loop {
            if self.cancel.is_cancelled() {
                return Err(SyncError::Cancelled(Remote::Github));
            }
            self.wait_for_primary_reset(budget).await?;
            let sent = {
                let _permit = self
                    .permits
                    .acquire()
                    .await
                    .map_err(|_| SyncError::Cancelled(Remote::Github))?;
                self.requests.fetch_add(1, Ordering::Relaxed);
                self.send(&uri, body).await
            };
            let (status, headers, body) = match sent {
                Ok(x) => x,
                Err(Unanswered::Final(e)) => return Err(e),
                Err(Unanswered::Transient(e)) => {
                    server_tries += 1;
                    if server_tries > SERVER_RETRIES {
                        return Err(err::unavailable(format!(
                            "cannot reach {} after {} tries: {e}",
                            short(url),
                            server_tries
                        )));
                    }
                    self.wait_for(
                        self.retry_delay * (1 << (server_tries - 1)),
                        format!("retrying {} after a network error", short(url)),
                    )
                    .await?;
                    continue;
                }
            };
            self.note_limits(&headers, budget);
            if status.is_success() {
                return Ok(Answer { headers, body });
            }
            let message = message_of(&body);
            match status {
                StatusCode::UNAUTHORIZED => {
                    return Err(err::auth(format!(
                        "GitHub refused the token (401{}); store a valid token in the keyring or set SWITCHYARD_GITHUB_TOKEN",
                        if message.is_empty() { String::new() } else { format!(": {message}") }
                    )))
                }
                StatusCode::FORBIDDEN | StatusCode::TOO_MANY_REQUESTS => {
                    let retry_after = header_u64(&headers, "retry-after");
                    let remaining = header_u64(&headers, "x-ratelimit-remaining");
                    let lower = message.to_ascii_lowercase();
                    let secondary = lower.contains("secondary rate limit")
                        || lower.contains("abuse");
                    if let Some(secs) = retry_after.filter(|_| secondary || remaining != Some(0)) {
                        secondary_tries += 1;
                        if secondary_tries > SECONDARY_RETRIES {
                            return Err(err::rate_limited(format!(
                                "GitHub's secondary rate limit still holds after {SECONDARY_RETRIES} waits ({})",
                                short(url)
                            )));
                        }
                        // retry-after first; doubled on repeats.
                        let secs = secs.max(1).saturating_mul(1 << (secondary_tries - 1).min(4));
                        self.wait(secs, format!("GitHub's secondary rate limit: {}", if message.is_empty() { "retry-after" } else { &message })).await?;
                        continue;
                    }
                    if remaining == Some(0) {
                        primary_tries += 1;
                        if primary_tries > PRIMARY_RETRIES {
                            return Err(err::rate_limited(format!(
                                "GitHub's rate limit is spent and did not reset ({})",
                                short(url)
                            )));
                        }
                        let reset = header_u64(&headers, "x-ratelimit-reset").unwrap_or(0);
                        if reset <= now_epoch() {
                            // A reset already past (clock skew): wait a little anyway.
                            self.wait(1, "GitHub's rate limit is spent".into()).await?;
                        }
                        continue; // wait_for_primary_reset() waits until the reset.
                    }
                    if secondary || status == StatusCode::TOO_MANY_REQUESTS {
                        secondary_tries += 1;
                        if secondary_tries > SECONDARY_RETRIES {
                            return Err(err::rate_limited(format!(
                                "GitHub's secondary rate limit still holds after {SECONDARY_RETRIES} waits ({})",
                                short(url)
                            )));
                        }
                        // No header: at least a minute, doubling.
                        let secs = 60u64 << (secondary_tries - 1).min(4);
                        self.wait(secs, format!("GitHub's secondary rate limit: {message}")).await?;
                        continue;
                    }
                    return Err(err::forbidden(format!(
                        "GitHub refused {} (403{})",
                        short(url),
                        if message.is_empty() { String::new() } else { format!(": {message}") }
                    )));
                }
                StatusCode::NOT_FOUND => {
                    return Err(SyncError::NotFound(format!(
                        "{} (404{})",
                        short(url),
                        if message.is_empty() { String::new() } else { format!(": {message}") }
                    )))
                }
                s if s.is_server_error() => {
                    server_tries += 1;
                    if server_tries > SERVER_RETRIES {
                        return Err(err::unavailable(format!(
                            "GitHub answered {} for {} {} times",
                            s.as_u16(),
                            short(url),
                            server_tries
                        )));
                    }
                    self.wait_for(
                        self.retry_delay * (1 << (server_tries - 1)),
                        format!("GitHub answered {}; retrying", s.as_u16()),
                    )
                    .await?;
                }
                s => {
                    return Err(err::bad_response(format!(
                        "GitHub answered {} for {}{}",
                        s.as_u16(),
                        short(url),
                        if message.is_empty() { String::new() } else { format!(": {message}") }
                    )))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_next_is_found_as_given() {
        let v = r#"<https://api.github.com/repositories/1000/issues?per_page=3&page=1>; rel="prev", <https://api.github.com/repositories/1000/issues?per_page=3&page=3>; rel="next", <https://api.github.com/repositories/1000/issues?per_page=3&page=5>; rel="last""#;
        assert_eq!(
            next_link(v).as_deref(),
            Some("https://api.github.com/repositories/1000/issues?per_page=3&page=3")
        );
        assert_eq!(
            next_link(r#"<https://x/a?page=1>; rel="first", <https://x/a?page=1>; rel="prev""#),
            None
        );
    }

    #[test]
    fn the_token_goes_only_to_the_api_urls_scheme_host_and_port() {
        // octocrab's client needs a runtime to be built in.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _in_runtime = rt.enter();
        let progress: Arc<dyn Progress> = Arc::new(|_: crate::ProgressEvent| {});
        let client = Client::new(
            "https://ghe.example.com/api/v3",
            Some(&Secret::new("ghp_secret")),
            1,
            Duration::from_millis(1),
            Limits::default(),
            progress,
            Cancel::default(),
        )
        .unwrap();
        let auth = |url: &str| {
            let uri: Uri = url.parse().unwrap();
            client.headers_for(&uri).contains_key(AUTHORIZATION)
        };
        assert!(auth(
            "https://ghe.example.com/api/v3/repos/a/b/pulls?page=2"
        ));
        assert!(auth("https://GHE.example.com/api/v3/repos/a/b/pulls"));
        // GraphQL's endpoint beside /api/v3 is the same origin: the token goes there too.
        assert_eq!(client.graphql_url(), "https://ghe.example.com/api/graphql");
        assert!(auth(&client.graphql_url()));
        // A `Link` to another host, another port or plain http gets no token.
        assert!(!auth("https://evil.example/api/v3/repos/a/b/pulls?page=2"));
        assert!(!auth("https://ghe.example.com:8443/api/v3/repos/a/b/pulls"));
        assert!(!auth("http://ghe.example.com/api/v3/repos/a/b/pulls"));
    }

    #[test]
    fn a_token_never_prints() {
        assert_eq!(format!("{:?}", Secret::new("ghp_secret")), "Secret(***)");
    }
}
