//! The shell installs the subscriber: a daily rolling file in the app's log dir, and
//! stderr. `RUST_LOG` sets the level (default `info` for Switchyard, `warn` for the rest).
//! The files are bounded: the newest [`KEPT_FILES`] days are kept, and a day's file stops
//! at [`DAY_CAP`] bytes with one line saying so (a `RUST_LOG=trace` left on, or a loop that
//! logs, cannot fill the disk).

use chrono::{NaiveDate, Utc};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

/// Keeps the file writer's worker alive for the life of the process.
static FILE_GUARD: OnceLock<WorkerGuard> = OnceLock::new();

pub fn init(log_dir: Option<PathBuf>) {
    let filter = || {
        // The HTTP layers under the syncs dump raw requests (Authorization included) at
        // trace level: capped at info whatever RUST_LOG says.
        switchyard_app::jira::HTTP_LOG_CAPS.iter().fold(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                EnvFilter::new("warn,switchyard=info,switchyard_desktop=info,switchyard_app=info,switchyard_store=info")
            }),
            |f, cap| f.add_directive(cap.parse().expect("a directive")),
        )
    };
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    let (file, guard) = match log_dir.and_then(|d| std::fs::create_dir_all(&d).ok().map(|_| d)) {
        Some(dir) => {
            let (writer, guard) = match bounded_file(&dir) {
                Some(w) => tracing_appender::non_blocking(w),
                None => tracing_appender::non_blocking(std::io::sink()),
            };
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

/// Log files kept: today's and the six days before it.
pub const KEPT_FILES: usize = 7;
/// The most one day's file takes.
pub const DAY_CAP: u64 = 16 * 1024 * 1024;

/// The day the rolling appender names its file by (it rolls over at midnight UTC).
fn utc_today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The daily file in `dir`, at most [`KEPT_FILES`] of them, each capped at [`DAY_CAP`].
fn bounded_file(dir: &Path) -> Option<Capped<tracing_appender::rolling::RollingFileAppender>> {
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("switchyard")
        .filename_suffix("log")
        .max_log_files(KEPT_FILES)
        .build(dir)
        .ok()?;
    let today = utc_today();
    // A second start on the same day continues that day's budget.
    let already =
        std::fs::metadata(dir.join(format!("switchyard.{}.log", today.format("%Y-%m-%d"))))
            .map(|m| m.len())
            .unwrap_or(0);
    Some(Capped::new(appender, DAY_CAP, already, utc_today))
}

/// A writer that passes at most `cap` bytes a day to `inner`, then one line saying the
/// rest of the day is dropped. `today` is the clock (passed in, so tests choose the day).
pub struct Capped<W> {
    inner: W,
    cap: u64,
    today: fn() -> NaiveDate,
    day: NaiveDate,
    written: u64,
    told: bool,
}

impl<W: Write> Capped<W> {
    pub fn new(inner: W, cap: u64, written_today: u64, today: fn() -> NaiveDate) -> Self {
        Capped {
            inner,
            cap,
            today,
            day: today(),
            written: written_today,
            told: false,
        }
    }
}

impl<W: Write> Write for Capped<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let today = (self.today)();
        if today != self.day {
            (self.day, self.written, self.told) = (today, 0, false);
        }
        if self.written + buf.len() as u64 > self.cap {
            if !self.told {
                self.told = true;
                let note = format!(
                    "switchyard: this day's log reached {} MB; later lines of the day are dropped\n",
                    self.cap / (1024 * 1024)
                );
                self.inner.write_all(note.as_bytes())?;
            }
            // Dropped, but reported written: logging must never fail the app.
            return Ok(buf.len());
        }
        self.written += buf.len() as u64;
        self.inner.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// The day of the one test that moves it.
    static DAY: AtomicU32 = AtomicU32::new(1);
    fn test_day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, DAY.load(Ordering::SeqCst)).unwrap()
    }

    #[test]
    fn a_day_stops_at_its_cap_with_one_line_and_the_next_day_starts_again() {
        DAY.store(1, Ordering::SeqCst);
        let mut w = Capped::new(Vec::new(), 100, 0, test_day);
        let line = [b'x'; 30];
        for _ in 0..10 {
            assert_eq!(w.write(&line).unwrap(), 30);
        }
        let text = String::from_utf8(w.inner.clone()).unwrap();
        // Three lines fit (90 bytes), the fourth would pass 100: then one note, nothing more.
        assert_eq!(text.matches('x').count(), 90);
        assert_eq!(
            text.matches("later lines of the day are dropped").count(),
            1
        );
        DAY.store(2, Ordering::SeqCst);
        w.write_all(&line).unwrap();
        let text = String::from_utf8(w.inner.clone()).unwrap();
        assert_eq!(text.matches('x').count(), 120);
    }

    #[test]
    fn a_restart_on_the_same_day_continues_its_budget() {
        fn one_day() -> NaiveDate {
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        }
        let mut w = Capped::new(Vec::new(), 100, 95, one_day);
        w.write_all(b"0123456789").unwrap();
        let text = String::from_utf8(w.inner).unwrap();
        assert!(!text.contains("0123456789"));
        assert!(text.contains("dropped"));
    }

    #[test]
    fn old_files_beyond_the_kept_days_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // Ten days of files from before.
        for d in 1..=10 {
            std::fs::write(
                dir.path().join(format!("switchyard.2020-01-{d:02}.log")),
                "old\n",
            )
            .unwrap();
        }
        std::fs::write(dir.path().join("notes.txt"), "kept").unwrap();
        let mut w = bounded_file(dir.path()).unwrap();
        w.write_all(b"today\n").unwrap();
        w.flush().unwrap();
        drop(w);
        let logs = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("switchyard."))
            .count();
        assert!(logs <= KEPT_FILES, "{logs} log files kept");
        assert!(dir.path().join("notes.txt").exists());
    }
}
