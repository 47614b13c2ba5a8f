//! Switchyard's domain: the records of a release-planning workspace and the pure logic
//! over them. Nothing here does I/O or reads the clock: "today" is always passed in.

pub mod cadence;
pub mod cards;
pub mod delta;
pub mod demo;
pub mod deploy_runs;
pub mod dora;
pub mod gonogo;
pub mod ingest;
pub mod model;
pub mod people;
pub mod pipeline;
pub mod plan;
pub mod readiness;
pub mod risk;
pub mod rng;
pub mod settings;
pub mod synced;
pub mod timeline;
pub mod views;
pub mod vocab;

pub use model::*;
pub use vocab::*;

/// The schema version of the workspace database and of the export document this build
/// writes. A database or document with a larger number was written by a newer Switchyard.
pub const SCHEMA_VERSION: i64 = 9;
