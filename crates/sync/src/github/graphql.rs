//! GitHub's GraphQL API (`POST /graphql`), where it saves requests: pull requests with their
//! size and commit times in pages of 100 (instead of two more requests per merged pull
//! request), and the statuses of 100 deployments in one query (instead of one request per
//! deployment). REST stays for everything else and is the fallback: a server without
//! `/graphql` (older GitHub Enterprise Server answers 404), a query it refuses, or an answer
//! with errors beside partial data, makes the list read over REST instead, with the same
//! records.
//!
//! Every query asks for `rateLimit { cost remaining resetAt }`: when what remains would not
//! pay for another query, the next request waits for `resetAt` (or fails at once when that is
//! longer than the longest wait). An error of type `RATE_LIMITED` is waited out the same
//! way; `NOT_FOUND` on the repository is the repository missing. Secondary limits (403/429
//! with `Retry-After`) are the client's, as for REST. Each query is validated against GitHub's
//! public schema in this module's tests (tests/fixtures/github/graphql/schema.graphql).

use super::err;
use super::runner::Cx;
use crate::SyncError;
use chrono::DateTime;
use serde::Deserialize;
use serde_json::{json, Value};

/// Pull requests, most recently updated first, with what the REST path reads from the list,
/// the detail (size) and the commits (first commit time). `$details`/`$commits` leave out
/// what `--no-pr-details`/`--no-pr-commits` do not want.
pub const PULLS: &str = r#"query Pulls($owner: String!, $name: String!, $first: Int!, $after: String, $details: Boolean!, $commits: Boolean!) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number
        title
        state
        isDraft
        url
        createdAt
        updatedAt
        closedAt
        mergedAt
        baseRefName
        author { __typename login }
        assignees(first: 1) { nodes { login } }
        labels(first: 100) { nodes { name } }
        additions @include(if: $details)
        deletions @include(if: $details)
        changedFiles @include(if: $details)
        commits(first: 100) @include(if: $commits) {
          totalCount
          nodes { commit { authoredDate committedDate } }
        }
      }
    }
  }
}"#;

/// The statuses of up to 100 deployments, by their node ids (the REST list's `node_id`).
pub const DEPLOYMENT_STATUSES: &str = r#"query DeploymentStatuses($ids: [ID!]!) {
  rateLimit { cost remaining resetAt }
  nodes(ids: $ids) {
    ... on Deployment {
      id
      databaseId
      statuses(first: 100) {
        totalCount
        nodes { state createdAt }
      }
    }
  }
}"#;

/// Every query the sync sends (the schema test validates each).
#[cfg(test)]
pub const QUERIES: &[(&str, &str)] = &[
    ("Pulls", PULLS),
    ("DeploymentStatuses", DEPLOYMENT_STATUSES),
];

/// Waits for one query on `RATE_LIMITED` before giving up.
const RATE_LIMITED_RETRIES: u32 = 3;

/// One error of a GraphQL answer.
#[derive(Debug, Clone, Deserialize)]
pub struct GqlError {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub path: Vec<Value>,
}

/// What a query gave.
pub enum Gql {
    /// `data`, and the errors beside it (partial data when not empty).
    Data(Value, Vec<GqlError>),
    /// GraphQL cannot serve this: read over REST instead (why, for the log).
    Unavailable(String),
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    errors: Vec<GqlError>,
}

/// Epoch seconds of a GraphQL `DateTime`.
fn epoch_of(v: &Value) -> Option<u64> {
    let t = DateTime::parse_from_rfc3339(v.as_str()?).ok()?;
    u64::try_from(t.timestamp()).ok()
}

fn epoch_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Sends `query` with `variables` to the GraphQL endpoint.
pub async fn query(cx: &Cx, query: &str, variables: Value) -> Result<Gql, SyncError> {
    if !cx.graphql_on() {
        return Ok(Gql::Unavailable("GraphQL is off".into()));
    }
    let url = cx.client.graphql_url();
    let body = json!({ "query": query, "variables": variables });
    let mut limited = 0;
    loop {
        // The first query finds whether there is an endpoint; the others wait for it.
        let mut probe = cx.graphql_probe.lock().await;
        if !cx.graphql_on() {
            return Ok(Gql::Unavailable("no GraphQL endpoint".into()));
        }
        let sent = if *probe {
            drop(probe);
            cx.client.post(&url, &body).await
        } else {
            let sent = cx.client.post(&url, &body).await;
            if !matches!(sent, Err(SyncError::NotFound(_))) {
                *probe = true;
            }
            sent
        };
        let answer = match sent {
            Ok(a) => a,
            Err(SyncError::NotFound(m)) => {
                // No GraphQL here (GitHub Enterprise Server before it had one): REST for the
                // rest of this sync.
                cx.graphql_off();
                tracing::info!(%m, "github: no GraphQL endpoint; reading over REST");
                return Ok(Gql::Unavailable(format!("no GraphQL endpoint ({m})")));
            }
            Err(e) => return Err(e),
        };
        let env: Envelope = serde_json::from_slice(&answer.body).map_err(|e| {
            err::bad_response(format!("GitHub's answer to {url} is not GraphQL JSON: {e}"))
        })?;
        // What a query costs and what is left: wait for the reset before one more would
        // overdraw it.
        if let Some(rl) = env.data.as_ref().and_then(|d| d.get("rateLimit")) {
            let cost = rl.get("cost").and_then(Value::as_u64).unwrap_or(1).max(1);
            let remaining = rl.get("remaining").and_then(Value::as_u64);
            if let (Some(remaining), Some(reset)) =
                (remaining, rl.get("resetAt").and_then(epoch_of))
            {
                if remaining < cost {
                    cx.client.spent_until(reset);
                }
            }
        }
        if env
            .errors
            .iter()
            .any(|e| e.kind.as_deref() == Some("RATE_LIMITED"))
        {
            limited += 1;
            if limited > RATE_LIMITED_RETRIES {
                return Err(err::rate_limited(
                    "GitHub's GraphQL rate limit is spent and did not reset".into(),
                ));
            }
            let header = |name: &str| {
                answer
                    .headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
            };
            if let Some(secs) = header("retry-after") {
                cx.client
                    .pause(
                        secs.max(1),
                        "GitHub's GraphQL rate limit: retry-after".into(),
                    )
                    .await?;
            } else {
                match header("x-ratelimit-reset").filter(|r| *r > epoch_now()) {
                    Some(reset) => cx.client.spent_until(reset),
                    // No reset given: a minute, as GitHub asks without a header.
                    None => {
                        cx.client
                            .pause(60, "GitHub's GraphQL rate limit is spent".into())
                            .await?
                    }
                }
            }
            continue;
        }
        if let Some(e) = env.errors.iter().find(|e| {
            e.kind.as_deref() == Some("NOT_FOUND")
                && e.path.first().and_then(Value::as_str) == Some("repository")
        }) {
            return Err(SyncError::NotFound(format!(
                "GraphQL: {}",
                e.message.chars().take(300).collect::<String>()
            )));
        }
        return Ok(match env.data {
            Some(data) if !data.is_null() => Gql::Data(data, env.errors),
            _ => Gql::Unavailable(format!(
                "GraphQL answered without data: {}",
                env.errors
                    .first()
                    .map(|e| e.message.chars().take(300).collect::<String>())
                    .unwrap_or_default()
            )),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use apollo_compiler::validation::Valid;
    use apollo_compiler::{ExecutableDocument, Schema};

    fn schema() -> Valid<Schema> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/github/graphql/schema.graphql");
        let text = std::fs::read_to_string(&path).expect("the GraphQL schema fixture");
        // The published SDL repeats a few fields (EnterpriseOwnerInfo) and deprecates some
        // fields its interfaces do not, so a strict check of the schema itself refuses it:
        // take it as GitHub serves it, then validate the queries strictly against it.
        let schema = match Schema::parse(text, "schema.graphql") {
            Ok(s) => s,
            Err(with_errors) => with_errors.partial,
        };
        assert!(
            schema.types.contains_key("PullRequest") && schema.types.contains_key("Deployment"),
            "the schema fixture did not load"
        );
        Valid::assume_valid(schema)
    }

    #[test]
    fn every_query_is_valid_against_githubs_public_schema() {
        let schema = schema();
        for (name, q) in QUERIES {
            if let Err(e) = ExecutableDocument::parse_and_validate(&schema, *q, *name) {
                panic!("{name} is not valid against GitHub's schema:\n{}", e.errors);
            }
        }
    }

    #[test]
    fn a_query_with_a_field_github_lacks_is_refused() {
        // The check above would catch a misspelt field or a wrong argument type.
        let schema = schema();
        let bad = PULLS.replace("baseRefName", "baseBranchName");
        assert!(ExecutableDocument::parse_and_validate(&schema, bad, "bad").is_err());
        let bad = DEPLOYMENT_STATUSES.replace("$ids: [ID!]!", "$ids: [Int!]!");
        assert!(ExecutableDocument::parse_and_validate(&schema, bad, "bad").is_err());
    }

    #[test]
    fn the_graphql_endpoint_is_beside_the_rest_one() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _in = rt.enter();
        let client = |base: &str| {
            let progress: std::sync::Arc<dyn crate::Progress> =
                std::sync::Arc::new(|_: crate::ProgressEvent| {});
            super::super::client::Client::new(
                base,
                None,
                1,
                std::time::Duration::from_millis(1),
                super::super::client::Limits::default(),
                progress,
                crate::Cancel::default(),
            )
            .unwrap()
        };
        assert_eq!(
            client("https://api.github.com").graphql_url(),
            "https://api.github.com/graphql"
        );
        assert_eq!(
            client("https://ghe.example.com/api/v3/").graphql_url(),
            "https://ghe.example.com/api/graphql"
        );
    }
}
