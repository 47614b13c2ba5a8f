//! API tokens: in the OS keyring (keyring 3), one per connection and host (keyring account
//! `jira:https://acme.atlassian.net`), with environment variables overriding for CI. A token
//! is read only for the origin (scheme, host and port) it was stored for, so a new URL in
//! the settings cannot carry a stored token to another host. A token lives in a `Secret`,
//! which prints as `***`, cannot be serialised, and is wiped when dropped; it never reaches
//! SQLite, logs, exports or error text.

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

/// Where a token may go: the scheme, host and port of a connection's URL, e.g.
/// `https://acme.atlassian.net` or `http://127.0.0.1:8080`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(String);

impl Origin {
    /// The origin of `url` (`what` names it in errors: "the Jira URL"). Refused: anything
    /// but http(s), a user or password in the URL (a token goes in the keyring, never in a
    /// URL), and plain http to anything but this machine (loopback).
    pub fn of(what: &str, url: &str) -> Result<Self> {
        let bad = |why: String| AppError::new(ErrorCode::InvalidInput, why);
        let u = url::Url::parse(url.trim())
            // Not echoed: a mistyped URL may hold a password.
            .map_err(|e| bad(format!("{what} is not a URL ({e})")))?;
        if !matches!(u.scheme(), "https" | "http") {
            return Err(bad(format!("{what} must start with https:// or http://")));
        }
        if !u.username().is_empty() || u.password().is_some() {
            return Err(bad(format!(
                "{what} has a user or password in it; give the token separately (it is kept in the OS keyring)"
            )));
        }
        let host = u.host().ok_or_else(|| bad(format!("{what} has no host")))?;
        let loopback = match &host {
            url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
            url::Host::Ipv4(ip) => ip.is_loopback(),
            url::Host::Ipv6(ip) => ip.is_loopback(),
        };
        if u.scheme() == "http" && !loopback {
            return Err(bad(format!(
                "{what} must use https:// (plain http only to this machine, where nothing can read the token on the way)"
            )));
        }
        Ok(Origin(u.origin().ascii_serialization()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The keyring account of a token: the connection and its origin.
fn account(which: TokenFor, origin: &Origin) -> String {
    format!("{}:{}", which.account(), origin)
}

/// Stores `token` in the OS keyring for `origin` only.
pub fn store_token(which: TokenFor, origin: &Origin, token: &Secret) -> Result<()> {
    let token = token.expose().trim();
    if token.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidInput, "the token is empty"));
    }
    keyring::Entry::new(KEYRING_SERVICE, &account(which, origin))
        .and_then(|e| e.set_password(token))
        .map_err(|e| keyring_error(which, "store the token", e))
}

/// GitHub's own origin: the only one `GITHUB_TOKEN` (a CI runner's token) is taken for.
const GITHUB_DOT_COM: &str = "https://api.github.com";

/// The token the environment gives for `origin` (`None`: the origin is not known yet).
/// `GITHUB_TOKEN`, set by CI runners for github.com, is taken only for api.github.com, and
/// never without saying so.
fn env_token(which: TokenFor, origin: Option<&Origin>) -> Option<(&'static str, Secret)> {
    which.env_vars().iter().find_map(|var| {
        let v = std::env::var_os(var)?.to_string_lossy().trim().to_string();
        if v.is_empty()
            || (*var == "GITHUB_TOKEN" && origin.is_none_or(|o| o.as_str() != GITHUB_DOT_COM))
        {
            return None;
        }
        Some((*var, Secret::new(v)))
    })
}

/// Whether a token is there for the connection at `url` (`what` names it): from the
/// environment, or stored in the keyring for that URL's host. A keyring that cannot be read
/// counts as none; syncing says why.
pub fn has_token(which: TokenFor, what: &str, url: &str) -> bool {
    let origin = Origin::of(what, url).ok();
    env_token(which, origin.as_ref()).is_some()
        || origin.is_some_and(|o| load_token(which, &o).ok().flatten().is_some())
}

/// The token for `origin`: from the environment, else the keyring entry stored for that
/// origin; `None` when neither has one. A token stored for another host is never returned.
pub fn load_token(which: TokenFor, origin: &Origin) -> Result<Option<Secret>> {
    if let Some((var, token)) = env_token(which, Some(origin)) {
        if var == "GITHUB_TOKEN" {
            tracing::warn!(
                "using GITHUB_TOKEN from the environment for {origin}; set SWITCHYARD_GITHUB_TOKEN to choose the token yourself"
            );
        }
        return Ok(Some(token));
    }
    match keyring::Entry::new(KEYRING_SERVICE, &account(which, origin))
        .and_then(|e| e.get_password())
    {
        Ok(v) => Ok(Some(Secret::new(v))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(keyring_error(which, "read the token", e)),
    }
}

/// A keyring for tests (the OS keyring is outside the product, and keyring's own mock keeps
/// nothing between two `Entry`s).
#[cfg(test)]
pub(crate) mod test_keyring {
    /// A keyring for tests that keeps entries for the life of the process (keyring's own
    /// mock keeps nothing between two `Entry`s), installed once for every test here.
    #[derive(Debug)]
    pub(crate) struct ProcessKeyring;
    #[derive(Debug)]
    struct ProcessEntry(String);
    pub(crate) static ENTRIES: std::sync::Mutex<Vec<(String, Vec<u8>)>> =
        std::sync::Mutex::new(Vec::new());

    impl keyring::credential::CredentialApi for ProcessEntry {
        fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
            let mut e = ENTRIES.lock().unwrap();
            e.retain(|(k, _)| *k != self.0);
            e.push((self.0.clone(), secret.to_vec()));
            Ok(())
        }
        fn get_secret(&self) -> keyring::Result<Vec<u8>> {
            let e = ENTRIES.lock().unwrap();
            e.iter()
                .find(|(k, _)| *k == self.0)
                .map(|(_, v)| v.clone())
                .ok_or(keyring::Error::NoEntry)
        }
        fn delete_credential(&self) -> keyring::Result<()> {
            ENTRIES.lock().unwrap().retain(|(k, _)| *k != self.0);
            Ok(())
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    impl keyring::credential::CredentialBuilderApi for ProcessKeyring {
        fn build(
            &self,
            _target: Option<&str>,
            service: &str,
            user: &str,
        ) -> keyring::Result<Box<keyring::credential::Credential>> {
            Ok(Box::new(ProcessEntry(format!("{service}/{user}"))))
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
    }

    pub(crate) fn process_keyring() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| keyring::set_default_credential_builder(Box::new(ProcessKeyring)));
    }
}

#[cfg(test)]
mod tests {
    use super::test_keyring::{process_keyring, ENTRIES};
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
    fn a_token_is_read_back_only_for_the_origin_it_was_stored_for() {
        process_keyring();
        let origin = |u: &str| Origin::of("the Jira URL", u).unwrap();
        let acme = origin("https://acme.atlassian.net");
        store_token(TokenFor::Jira, &acme, &Secret::new(" t0ken-acme ")).unwrap();
        let read = |o: &Origin| {
            load_token(TokenFor::Jira, o)
                .unwrap()
                .map(|s| s.expose().to_owned())
        };
        assert_eq!(read(&acme).as_deref(), Some("t0ken-acme"));
        // Another path on the same origin is the same connection.
        assert_eq!(
            read(&origin("https://acme.atlassian.net/jira")).as_deref(),
            Some("t0ken-acme")
        );
        // A new host, another port or plain http of a loopback name: no token.
        assert_eq!(read(&origin("https://evil.example")), None);
        assert_eq!(read(&origin("https://acme.atlassian.net:8443")), None);
        assert_eq!(read(&origin("http://localhost")), None);
        // GitHub's token under the same origin is another entry.
        assert!(
            load_token(TokenFor::Github, &acme).unwrap().is_none()
                || std::env::var_os("SWITCHYARD_GITHUB_TOKEN").is_some()
        );
        // Stored under the account that names the connection and the origin.
        let accounts: Vec<String> = ENTRIES
            .lock()
            .unwrap()
            .iter()
            .map(|(k, _)| k.clone())
            .collect();
        assert!(
            accounts.contains(&format!(
                "{KEYRING_SERVICE}/jira:https://acme.atlassian.net"
            )),
            "{accounts:?}"
        );
        let err = store_token(TokenFor::Jira, &acme, &Secret::new("  ")).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(!err.message.contains("t0ken"));
    }

    #[test]
    fn an_origin_is_scheme_host_and_port_and_refuses_what_could_leak_a_token() {
        let o = |u: &str| Origin::of("the Jira URL", u).map(|o| o.to_string());
        assert_eq!(
            o("https://Acme.Atlassian.net/jira/").unwrap(),
            "https://acme.atlassian.net"
        );
        assert_eq!(
            o("https://jira.example.com:8443/x").unwrap(),
            "https://jira.example.com:8443"
        );
        assert_eq!(
            o("https://jira.example.com:443").unwrap(),
            "https://jira.example.com"
        );
        assert_eq!(o("http://127.0.0.1:8080").unwrap(), "http://127.0.0.1:8080");
        assert_eq!(o("http://localhost:9").unwrap(), "http://localhost:9");
        assert_eq!(o("http://[::1]:9").unwrap(), "http://[::1]:9");
        for (url, why) in [
            ("https://me:secret@acme.atlassian.net", "user or password"),
            ("https://me@acme.atlassian.net", "user or password"),
            ("http://acme.atlassian.net", "must use https://"),
            ("http://10.0.0.1", "must use https://"),
            ("ftp://acme.atlassian.net", "https:// or http://"),
            ("acme.atlassian.net", "not a URL"),
        ] {
            let e = Origin::of("the Jira URL", url).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{url}");
            assert!(e.message.contains(why), "{url}: {}", e.message);
            assert!(!e.message.contains("secret"), "{}", e.message);
        }
    }
}
