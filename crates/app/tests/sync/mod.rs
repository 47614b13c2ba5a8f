//! The Jira and GitHub syncs into a real workspace file, against local mock servers that
//! serve the real payloads in tests/fixtures.

mod github;
mod jira;
