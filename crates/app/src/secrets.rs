//! API tokens: in the OS keyring (keyring 3), with environment variables overriding for CI.
//! A token lives in a `Secret`, which prints as `***`, cannot be serialised, and is wiped
//! when dropped; it never reaches SQLite, logs, exports or error text.

use crate::{AppError, ErrorCode, Result};

/// The keyring service name under which Switchyard keeps its tokens.
pub const KEYRING_SERVICE: &str = "dev.switchyard.desktop";

/// The one secret type of both tokens (`switchyard_core::synced::Secret`): wiped on drop.
pub use switchyard_core::synced::Secret;

/// Which remote a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFor {
    Jira,
    Github,
}

impl TokenFor {
    fn account(self) -> &'static str {
        match self {
            TokenFor::Jira => "jira",
            TokenFor::Github => "github",
        }
    }

    /// Environment variables that override the keyring, in order.
    pub fn env_vars(self) -> &'static [&'static str] {
        match self {
            TokenFor::Jira => &["SWITCHYARD_JIRA_TOKEN"],
            TokenFor::Github => &["SWITCHYARD_GITHUB_TOKEN", "GITHUB_TOKEN"],
        }
    }
}

fn keyring_error(which: TokenFor, what: &str, e: keyring::Error) -> AppError {
    let env = which.env_vars()[0];
    match e {
        // No keyring to talk to (no Secret Service on D-Bus, no session keyring): say so in
        // one line, with the way around it, instead of the platform's multi-line message.
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => AppError::new(
            ErrorCode::Io,
            format!(
                "no system keyring is available to {what} (no Secret Service is running); set {env} in the environment instead"
            ),
        ),
        // keyring's messages name the platform store, never the secret; one line of it.
        e => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("").trim();
            AppError::new(
                ErrorCode::Io,
                format!("the OS keyring could not {what}: {first}"),
            )
        }
    }
}

/// Stores `token` in the OS keyring.
pub fn store_token(which: TokenFor, token: &Secret) -> Result<()> {
    let token = token.expose().trim();
    if token.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidInput, "the token is empty"));
    }
    keyring::Entry::new(KEYRING_SERVICE, which.account())
        .and_then(|e| e.set_password(token))
        .map_err(|e| keyring_error(which, "store the token", e))
}

/// The token from the environment, else the keyring; `None` when neither has one.
pub fn load_token(which: TokenFor) -> Result<Option<Secret>> {
    for var in which.env_vars() {
        if let Some(v) = std::env::var_os(var) {
            let v = v.to_string_lossy().trim().to_string();
            if !v.is_empty() {
                return Ok(Some(Secret::new(v)));
            }
        }
    }
    match keyring::Entry::new(KEYRING_SERVICE, which.account()).and_then(|e| e.get_password()) {
        Ok(v) => Ok(Some(Secret::new(v))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keyring_error(which, "read the token", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_keyring_is_one_line_that_names_the_environment_variable() {
        let dbus = std::io::Error::other(
            "org.freedesktop.DBus.Error.ServiceUnknown:\nThe name org.freedesktop.secrets was not provided by any .service files",
        );
        let e = keyring_error(
            TokenFor::Jira,
            "store the token",
            keyring::Error::PlatformFailure(Box::new(dbus)),
        );
        assert_eq!(e.code, ErrorCode::Io);
        assert!(!e.message.contains('\n'), "{}", e.message);
        assert!(e.message.contains("SWITCHYARD_JIRA_TOKEN"), "{}", e.message);
        assert!(
            e.message.starts_with("no system keyring is available"),
            "{}",
            e.message
        );
        let e = keyring_error(
            TokenFor::Github,
            "read the token",
            keyring::Error::NoStorageAccess(Box::new(std::io::Error::other("locked"))),
        );
        assert!(
            e.message.contains("SWITCHYARD_GITHUB_TOKEN"),
            "{}",
            e.message
        );
        // Another failure keeps keyring's own words, first line only.
        let e = keyring_error(
            TokenFor::Jira,
            "read the token",
            keyring::Error::BadEncoding(vec![0xff]),
        );
        assert!(e
            .message
            .starts_with("the OS keyring could not read the token"));
        assert!(!e.message.contains('\n'));
    }

    #[test]
    fn a_secret_never_prints() {
        let s = Secret::new("ghp_very_secret_value");
        assert_eq!(format!("{s}"), "***");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(format!("{:?}", Some(&s)), "Some(Secret(***))");
        assert_eq!(s.expose(), "ghp_very_secret_value");
    }

    #[test]
    fn the_keyring_round_trips_with_the_mock_store() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        // The mock store keeps nothing between entries, so this checks the calls succeed
        // and an empty token is refused.
        assert!(store_token(TokenFor::Jira, &Secret::new("t0ken")).is_ok());
        let err = store_token(TokenFor::Jira, &Secret::new("  ")).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(!err.message.contains("t0ken"));
    }
}
