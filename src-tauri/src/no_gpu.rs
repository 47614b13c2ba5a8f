//! The window on a machine without a GPU (no DRM render node: VMs, CI, remote desktops).
//!
//! There OpenGL is Mesa's software rasteriser, `llvmpipe`, which brings `libLLVM` with it.
//! Two things follow:
//! - WebKit's compositing goes through that GL, which measured at about 1 s more startup
//!   and 100 MB more memory than its non-composited path, so compositing is turned off.
//! - With compositing off, the window's own process (WebKit's UI side) draws the page from
//!   shared memory and needs no GL at all, yet two probes would still load the driver into
//!   it: GDK's GLX probe when the display opens, and WebKit's EGL query when it starts the
//!   web process. That was 28 MB of this process (libLLVM's code and relocated data,
//!   Mesa's driver, their heaps). GDK's GL is turned off (`GDK_GL=disable`, which the
//!   processes the app starts inherit; GTK 3 programs then draw without GL, as they would
//!   on this machine's software GL anyway), and EGL's vendor library is made to load its
//!   list of drivers now, from a folder that holds none, so EGL in this process has no
//!   driver to load. That variable is removed right after, so the web process, which
//!   does need EGL, finds Mesa as usual.
//!
//! A user's own settings win: with `WEBKIT_DISABLE_COMPOSITING_MODE` set, nothing here is
//! done; with `GDK_GL`, `__EGL_VENDOR_LIBRARY_DIRS` or `__EGL_VENDOR_LIBRARY_FILENAMES` set,
//! the step that variable steers is left out.
#![allow(unsafe_code)]

use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::OnceLock;

const COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
const GDK_GL: &str = "GDK_GL";
const EGL_DIRS: &str = "__EGL_VENDOR_LIBRARY_DIRS";
const EGL_FILES: &str = "__EGL_VENDOR_LIBRARY_FILENAMES";
/// A folder with no vendor files in it (it does not exist), for this process's EGL only.
const NO_VENDORS: &str = "/nonexistent/switchyard-no-egl-vendors";

/// What [`configure`] did, for the log once it is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Done {
    /// Compositing turned off.
    pub compositing_off: bool,
    /// GDK's GL turned off.
    pub gdk_gl_off: bool,
    /// EGL's vendors loaded as none in this process.
    pub egl_without_driver: bool,
}

static DONE: OnceLock<Done> = OnceLock::new();

/// What [`configure`] did, once it ran.
pub fn done() -> Option<Done> {
    DONE.get().copied()
}

/// Whether this machine has a DRM render node, i.e. a GPU that OpenGL can use.
fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri")
        .map(|dir| {
            dir.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

/// Call first thing in main, before GTK or any other thread starts: it sets environment
/// variables and loads EGL's vendor list.
pub fn configure() {
    let mut done = Done::default();
    if !has_render_node() && std::env::var_os(COMPOSITING).is_none() {
        std::env::set_var(COMPOSITING, "1");
        done.compositing_off = true;
        if std::env::var_os(GDK_GL).is_none() {
            std::env::set_var(GDK_GL, "disable");
            done.gdk_gl_off = true;
        }
        if std::env::var_os(EGL_DIRS).is_none() && std::env::var_os(EGL_FILES).is_none() {
            std::env::set_var(EGL_DIRS, NO_VENDORS);
            done.egl_without_driver = load_egl_vendors();
            std::env::remove_var(EGL_DIRS);
        }
    }
    let _ = DONE.set(done);
}

/// Has libglvnd's EGL read its vendor list (it does so once per process, at the first call
/// into EGL). True when EGL answered with no driver behind it.
fn load_egl_vendors() -> bool {
    const EGL_EXTENSIONS: c_int = 0x3055;
    type QueryString = unsafe extern "C" fn(*mut c_void, c_int) -> *const c_char;
    // SAFETY: libEGL is a C library that WebKit links anyway; it is opened (or found
    // already loaded) and never closed, and `eglQueryString` is called with the signature
    // of the EGL 1.5 specification. EGL_NO_DISPLAY with EGL_EXTENSIONS asks for the client
    // extensions, which needs no display; the string returned is EGL's own and only read.
    unsafe {
        let lib = libc::dlopen(c"libEGL.so.1".as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL);
        if lib.is_null() {
            return false;
        }
        let sym = libc::dlsym(lib, c"eglQueryString".as_ptr());
        if sym.is_null() {
            return false;
        }
        let query: QueryString = std::mem::transmute::<*mut c_void, QueryString>(sym);
        let extensions = query(std::ptr::null_mut(), EGL_EXTENSIONS);
        // With no vendor, libglvnd offers none of the platform extensions a driver adds.
        extensions.is_null()
            || !CStr::from_ptr(extensions)
                .to_string_lossy()
                .contains("EGL_KHR_platform_x11")
    }
}
