//! WebKit's memory-pressure settings for the window's web process.
//!
//! By default WebKitGTK's web process frees its caches only when it reaches a third of the
//! machine's memory (at most 3 GB), which a planning window never does: what the page used
//! once (script heap pages, decoded images, style and font caches) stays with the process.
//! WebKit can instead be told a limit for the web process and the fractions of it at which
//! to free caches ("conservative") and everything it can, compiled code included
//! ("strict"). Those settings are a construct-only property of the web context, and wry
//! creates the context without them; so the context's GObject class gets a constructor that
//! fills the property in when nobody else did, before the original constructor runs.
//!
//! `SWITCHYARD_WEB_MEMORY` chooses: `off` leaves WebKit's default; `LIMIT_MB` or
//! `LIMIT_MB:CONSERVATIVE:STRICT` (fractions, conservative below strict) set them. The
//! default is [`DEFAULT`].
#![allow(unsafe_code)]

use std::ffi::{c_uint, CStr};
use std::sync::OnceLock;
use webkit2gtk::ffi;
use webkit2gtk::glib::ffi::{gpointer, GType};
use webkit2gtk::glib::gobject_ffi::{
    g_param_spec_get_name, g_type_class_ref, g_value_get_boxed, g_value_set_boxed, GObject,
    GObjectClass, GObjectConstructParam,
};

/// The settings the web process gets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// The web process's memory limit, in MB.
    pub limit_mb: u32,
    /// Caches are freed above this fraction of the limit.
    pub conservative: f64,
    /// Everything that can be freed is, compiled code included, above this fraction.
    pub strict: f64,
}

/// Measured with the demo after ten minutes of scripted use (docs/benchmarks.md).
pub const DEFAULT: Settings = Settings {
    limit_mb: 100,
    conservative: 0.6,
    strict: 0.8,
};

/// Seconds between two looks at the web process's memory.
const POLL_SECONDS: f64 = 10.0;

/// `SWITCHYARD_WEB_MEMORY`'s value read: `Ok(None)` for `off`, `Err` with a sentence for a
/// value that is neither `off` nor `LIMIT_MB[:CONSERVATIVE:STRICT]`.
pub fn parse(value: Option<&str>) -> Result<Option<Settings>, String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(Some(DEFAULT));
    };
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let bad = || {
        format!(
            "SWITCHYARD_WEB_MEMORY={value:?} is neither `off` nor LIMIT_MB[:CONSERVATIVE:STRICT] \
             (a limit of 1 MB or more, fractions with 0 < conservative < strict <= 1)"
        )
    };
    let mut parts = value.split(':');
    let limit_mb: u32 = parts
        .next()
        .and_then(|p| p.trim().parse().ok())
        .filter(|&l| l > 0)
        .ok_or_else(bad)?;
    let rest: Vec<&str> = parts.collect();
    let (conservative, strict) = match rest.as_slice() {
        [] => (DEFAULT.conservative, DEFAULT.strict),
        [c, s] => {
            let c: f64 = c.trim().parse().map_err(|_| bad())?;
            let s: f64 = s.trim().parse().map_err(|_| bad())?;
            (c, s)
        }
        _ => return Err(bad()),
    };
    if !(conservative > 0.0 && conservative < strict && strict <= 1.0) {
        return Err(bad());
    }
    Ok(Some(Settings {
        limit_mb,
        conservative,
        strict,
    }))
}

type Constructor = unsafe extern "C" fn(GType, c_uint, *mut GObjectConstructParam) -> *mut GObject;

static ORIGINAL: OnceLock<Constructor> = OnceLock::new();
static SETTINGS: OnceLock<Settings> = OnceLock::new();
/// Set when a web context was created with [`SETTINGS`] filled in: the values WebKit's
/// settings object held.
static GIVEN: OnceLock<Settings> = OnceLock::new();

/// The settings a web context was created with, once one was (the window's context is
/// created before the log is set up, so the shell logs this afterwards).
pub fn given() -> Option<Settings> {
    GIVEN.get().copied()
}

/// Gives every web context created from now on `settings` (unless its creator passed its
/// own). Call on the main thread before the window is built; later calls do nothing.
pub fn install(settings: Settings) {
    if SETTINGS.set(settings).is_err() {
        return;
    }
    // SAFETY: the class reference is taken and kept for the life of the process (a static
    // type's class is never finalised), and its constructor slot is replaced once, on the
    // main thread, before any instance exists; the replacement calls the original.
    unsafe {
        let class = g_type_class_ref(ffi::webkit_web_context_get_type()) as *mut GObjectClass;
        if class.is_null() {
            return;
        }
        let Some(original) = (*class).constructor else {
            return;
        };
        let _ = ORIGINAL.set(original);
        (*class).constructor = Some(construct_with_settings);
    }
}

/// The web context's constructor with [`SETTINGS`] filled in. GObject calls it with the
/// `n` construct properties of the new object, their values still replaceable; it is
/// installed only after [`ORIGINAL`] is set, so it always ends in the original.
unsafe extern "C" fn construct_with_settings(
    type_: GType,
    n: c_uint,
    params: *mut GObjectConstructParam,
) -> *mut GObject {
    if let Some(s) = SETTINGS.get() {
        for i in 0..n as usize {
            let param = &*params.add(i);
            let name = CStr::from_ptr(g_param_spec_get_name(param.pspec));
            if name.to_bytes() != b"memory-pressure-settings" {
                continue;
            }
            if g_value_get_boxed(param.value).is_null() {
                let settings = ffi::webkit_memory_pressure_settings_new();
                ffi::webkit_memory_pressure_settings_set_memory_limit(settings, s.limit_mb);
                // WebKit refuses a conservative threshold at or above the strict one and a
                // strict one at or below the conservative one, so the order depends on
                // where the defaults are.
                let strict_now =
                    ffi::webkit_memory_pressure_settings_get_strict_threshold(settings);
                if s.conservative < strict_now {
                    ffi::webkit_memory_pressure_settings_set_conservative_threshold(
                        settings,
                        s.conservative,
                    );
                    ffi::webkit_memory_pressure_settings_set_strict_threshold(settings, s.strict);
                } else {
                    ffi::webkit_memory_pressure_settings_set_strict_threshold(settings, s.strict);
                    ffi::webkit_memory_pressure_settings_set_conservative_threshold(
                        settings,
                        s.conservative,
                    );
                }
                ffi::webkit_memory_pressure_settings_set_kill_threshold(settings, 0.0);
                ffi::webkit_memory_pressure_settings_set_poll_interval(settings, POLL_SECONDS);
                // What WebKit's settings hold now (it ignores a value it refuses).
                let _ = GIVEN.set(Settings {
                    limit_mb: ffi::webkit_memory_pressure_settings_get_memory_limit(settings),
                    conservative: ffi::webkit_memory_pressure_settings_get_conservative_threshold(
                        settings,
                    ),
                    strict: ffi::webkit_memory_pressure_settings_get_strict_threshold(settings),
                });
                // The value copies the settings.
                g_value_set_boxed(param.value, settings as gpointer);
                ffi::webkit_memory_pressure_settings_free(settings);
            }
            break;
        }
    }
    match ORIGINAL.get() {
        Some(original) => original(type_, n, params),
        None => std::ptr::null_mut(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_variable() {
        assert_eq!(parse(None), Ok(Some(DEFAULT)));
        assert_eq!(parse(Some(" ")), Ok(Some(DEFAULT)));
        assert_eq!(parse(Some("OFF")), Ok(None));
        assert_eq!(
            parse(Some("150")),
            Ok(Some(Settings {
                limit_mb: 150,
                ..DEFAULT
            }))
        );
        assert_eq!(
            parse(Some("120:0.5:0.9")),
            Ok(Some(Settings {
                limit_mb: 120,
                conservative: 0.5,
                strict: 0.9
            }))
        );
        for bad in [
            "0",
            "-5",
            "lots",
            "100:0.8:0.6",
            "100:0.5",
            "100:0:0.5",
            "100:0.5:1.5",
        ] {
            let err = parse(Some(bad)).unwrap_err();
            assert!(err.contains("SWITCHYARD_WEB_MEMORY"), "{bad}: {err}");
        }
    }
}
