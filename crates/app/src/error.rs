use serde::{Deserialize, Serialize};
use switchyard_store::StoreError;
use ts_rs::TS;

/// The closed list of error codes. The CLI prints them as `error[CODE]`, the UI receives
/// them in `ApiError.code`; both match on them, so a code is never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    DbNewerVersion,
    NotADatabase,
    Io,
    Db,
    NotFound,
    InvalidInput,
    WorkspaceNotEmpty,
    Internal,
    DependencyCycle,
    Ambiguous,
    AuditBroken,
    SodViolation,
    ApprovalsMissing,
    JiraAuth,
    JiraRateLimited,
    JiraUnavailable,
    JiraBadResponse,
    JiraRequest,
    Cancelled,
    GithubAuth,
    GithubForbidden,
    GithubRateLimited,
    GithubUnavailable,
    GithubBadResponse,
    UnknownPerson,
    ReadOnly,
    DiskFull,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::DbNewerVersion => "db_newer_version",
            ErrorCode::NotADatabase => "not_a_database",
            ErrorCode::Io => "io",
            ErrorCode::Db => "db",
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::WorkspaceNotEmpty => "workspace_not_empty",
            ErrorCode::Internal => "internal",
            ErrorCode::DependencyCycle => "dependency_cycle",
            ErrorCode::Ambiguous => "ambiguous",
            ErrorCode::AuditBroken => "audit_broken",
            ErrorCode::SodViolation => "sod_violation",
            ErrorCode::ApprovalsMissing => "approvals_missing",
            ErrorCode::JiraAuth => "jira_auth",
            ErrorCode::JiraRateLimited => "jira_rate_limited",
            ErrorCode::JiraUnavailable => "jira_unavailable",
            ErrorCode::JiraBadResponse => "jira_bad_response",
            ErrorCode::JiraRequest => "jira_request",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::GithubAuth => "github_auth",
            ErrorCode::GithubForbidden => "github_forbidden",
            ErrorCode::GithubRateLimited => "github_rate_limited",
            ErrorCode::GithubUnavailable => "github_unavailable",
            ErrorCode::GithubBadResponse => "github_bad_response",
            ErrorCode::UnknownPerson => "unknown_person",
            ErrorCode::ReadOnly => "read_only",
            ErrorCode::DiskFull => "disk_full",
        }
    }
}

/// An error as it crosses IPC: `{code, message, field}`. The message is one line for a
/// person and speaks of the product, not of one front end: it names what is missing in
/// words ("a risk override needs a reason"). `field` names the input it is about; the CLI
/// adds its flag (`--reason`), the window can point at its form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[ts(rename = "ApiError")]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// The input the error is about (`reason`, `service`, `email`...), when there is one.
    pub field: Option<String>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        // One line, always: whatever produced the message, newlines do not reach the user.
        let message = message.into().replace(['\n', '\r'], " ");
        Self {
            code,
            message,
            field: None,
        }
    }

    /// The same error, about the input `field`.
    pub fn about(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The stable codes of both connectors' errors; the input to look at goes to `field` (the
/// CLI turns it into its flag hint).
impl From<switchyard_sync::SyncError> for AppError {
    fn from(e: switchyard_sync::SyncError) -> Self {
        use switchyard_sync::{Remote, SyncError};
        let jira = |r: &Remote| *r == Remote::Jira;
        let code = match &e {
            SyncError::Auth { remote, .. } if jira(remote) => ErrorCode::JiraAuth,
            SyncError::Auth { .. } => ErrorCode::GithubAuth,
            SyncError::Forbidden { remote, .. } if jira(remote) => ErrorCode::JiraAuth,
            SyncError::Forbidden { .. } => ErrorCode::GithubForbidden,
            SyncError::NotFound(_) => ErrorCode::NotFound,
            SyncError::Rejected { remote, .. } if jira(remote) => ErrorCode::JiraRequest,
            SyncError::Rejected { .. } => ErrorCode::GithubBadResponse,
            SyncError::RateLimited { remote, .. } if jira(remote) => ErrorCode::JiraRateLimited,
            SyncError::RateLimited { .. } => ErrorCode::GithubRateLimited,
            SyncError::Unavailable { remote, .. } if jira(remote) => ErrorCode::JiraUnavailable,
            SyncError::Unavailable { .. } => ErrorCode::GithubUnavailable,
            SyncError::BadResponse { remote, .. } if jira(remote) => ErrorCode::JiraBadResponse,
            SyncError::BadResponse { .. } => ErrorCode::GithubBadResponse,
            SyncError::Invalid { .. } => ErrorCode::InvalidInput,
            SyncError::Cancelled(_) => ErrorCode::Cancelled,
            SyncError::Sink(s) => match s.storage {
                Some(switchyard_core::synced::StorageProblem::ReadOnly) => ErrorCode::ReadOnly,
                Some(switchyard_core::synced::StorageProblem::DiskFull) => ErrorCode::DiskFull,
                None => ErrorCode::Db,
            },
        };
        let field = match &e {
            // Cloud wants the account's email with the token: the input to look at.
            SyncError::Auth {
                remote: Remote::Jira,
                ..
            } => Some("email"),
            SyncError::Auth { .. } => Some("github_token"),
            SyncError::Invalid { field, .. } => *field,
            _ => None,
        };
        let err = AppError::new(code, e.to_string());
        match field {
            Some(f) => err.about(f),
            None => err,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::MissingDirectory(_) | StoreError::Io { .. } => ErrorCode::Io,
            StoreError::NotADatabase { .. } => ErrorCode::NotADatabase,
            StoreError::NewerVersion { .. } => ErrorCode::DbNewerVersion,
            StoreError::NotEmpty(_) => ErrorCode::WorkspaceNotEmpty,
            StoreError::Invalid(_) => ErrorCode::InvalidInput,
            StoreError::NotFound(_) => ErrorCode::NotFound,
            StoreError::ReadOnly => ErrorCode::ReadOnly,
            StoreError::DiskFull => ErrorCode::DiskFull,
            StoreError::Sqlite(_)
            | StoreError::UnknownValue(_)
            | StoreError::UpgradeFailed { .. } => ErrorCode::Db,
        };
        AppError::new(code, e.to_string())
    }
}

impl From<switchyard_core::UnknownValue> for AppError {
    fn from(e: switchyard_core::UnknownValue) -> Self {
        AppError::new(ErrorCode::InvalidInput, e.to_string())
    }
}

/// A word of a closed vocabulary as a person types it: any case, `-` or a space for `_`
/// (`no-go`, `High`, `not applicable`). An unknown word is `invalid_input` naming the
/// allowed words.
pub fn parse_word<T>(s: &str) -> Result<T>
where
    T: std::str::FromStr<Err = switchyard_core::UnknownValue>,
{
    let word = s.trim().to_lowercase().replace(['-', ' '], "_");
    word.parse::<T>().map_err(|e| {
        switchyard_core::UnknownValue {
            value: s.to_string(),
            ..e
        }
        .into()
    })
}
