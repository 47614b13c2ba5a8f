//! The shell installs the subscriber: a daily rolling file in the app's log dir, and
//! stderr. `RUST_LOG` sets the level (default `info` for Switchyard, `warn` for the rest).

use std::path::PathBuf;
use std::sync::OnceLock;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

/// Keeps the file writer's worker alive for the life of the process.
static FILE_GUARD: OnceLock<WorkerGuard> = OnceLock::new();

pub fn init(log_dir: Option<PathBuf>) {
    let filter = || {
        EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| EnvFilter::new("warn,switchyard=info,switchyard_desktop=info,switchyard_app=info,switchyard_store=info"))
            // The HTTP layer under the Jira client dumps raw requests (Authorization
            // included) at trace level: capped whatever RUST_LOG says.
            .add_directive(
                switchyard_app::jira::HTTP_LOG_CAP
                    .parse()
                    .expect("a directive"),
            )
    };
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    let (file, guard) = match log_dir.and_then(|d| std::fs::create_dir_all(&d).ok().map(|_| d)) {
        Some(dir) => {
            let (writer, guard) = tracing_appender::non_blocking(tracing_appender::rolling::daily(
                dir,
                "switchyard.log",
            ));
            (
                Some(
                    tracing_subscriber::fmt::layer()
                        .with_ansi(false)
                        .with_writer(writer)
                        .with_filter(filter()),
                ),
                Some(guard),
            )
        }
        None => (None, None),
    };
    if let Some(guard) = guard {
        let _ = FILE_GUARD.set(guard);
    }
    // A second init (tests) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .try_init();
}
