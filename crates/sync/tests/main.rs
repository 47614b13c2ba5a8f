//! Sync against local mock servers that serve the real payloads in tests/fixtures.

mod github;
mod jira;
