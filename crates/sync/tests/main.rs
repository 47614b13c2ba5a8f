//! Sync against local mock servers that serve the real payloads in ../shared/fixtures.

mod github;
mod jira;
