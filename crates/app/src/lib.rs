//! Switchyard's use cases, shared by the desktop shell and the `switchyard` CLI. Errors
//! leave here as `AppError { code, message }` with a code from a closed list.

mod audit;
pub mod audit_key;
mod audit_replay;
pub mod audit_verify;
mod bindings;
mod clock;
pub mod commands;
pub mod deploy_rules;
pub mod dora;
mod error;
pub mod github;
pub mod governance;
pub mod ingest;
pub mod jira;
pub mod lookup;
pub mod menu;
pub mod overview;
pub mod people;
pub mod plan;
pub mod plan_edit;
pub mod recent;
pub mod records;
pub mod reports;
pub mod saved;
pub mod scenario;
pub mod screens;
pub mod secrets;
pub mod slot;
mod sync_audit;
pub mod sync_screen;
mod workspace;

pub use bindings::{check_bindings, default_bindings_dir, write_bindings, BINDINGS_HEADER};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{parse_word, AppError, ErrorCode, Result};
pub use workspace::{
    default_workspace_path, write_atomically, DemoOutcome, Workspace, APP_IDENTIFIER,
};

pub use switchyard_core as core;
pub use switchyard_report as report;
