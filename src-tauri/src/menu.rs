//! The native menu: File (New workspace…, Open workspace…, Quit), Edit (the platform's own
//! Undo, Redo, Cut, Copy, Paste, Select All), View (Timeline, Month, Table, Quick search,
//! Theme) and Help (About Switchyard: the version, the licence, the icon). A click on one of Switchyard's own items is sent to the window over the channel
//! it opened with `listen_menu` (no event permission needed); the window handles the same
//! shortcuts itself, so an action that arrives both ways does the same thing twice at most
//! (each is idempotent, and New/Open wait for the dialog already open).

use std::sync::Mutex;
use switchyard_app::menu::MenuAction;
use tauri::ipc::Channel;
use tauri::menu::{AboutMetadata, Menu, MenuEvent, MenuItem, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Manager, Runtime};

const QUIT: &str = "quit";

/// Where the menu's clicks go: the channel the window opened last.
#[derive(Default)]
pub struct MenuChannel(Mutex<Option<Channel<MenuAction>>>);

impl MenuChannel {
    pub fn listen(&self, channel: Channel<MenuAction>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(channel);
        }
    }

    fn send(&self, action: MenuAction) {
        let Ok(slot) = self.0.lock() else { return };
        match slot.as_ref() {
            Some(channel) => {
                if let Err(e) = channel.send(action) {
                    tracing::debug!("menu action not delivered: {e}");
                }
            }
            None => tracing::debug!(
                action = action.id(),
                "menu action before the window listens"
            ),
        }
    }
}

fn item<R: Runtime>(app: &AppHandle<R>, action: MenuAction) -> tauri::Result<MenuItem<R>> {
    let mut b = MenuItemBuilder::with_id(action.id(), action.label());
    if let Some(keys) = action.accelerator() {
        b = b.accelerator(keys);
    }
    b.build(app)
}

/// The window's menu bar.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    use MenuAction::*;
    let quit = MenuItemBuilder::with_id(QUIT, "Quit")
        .accelerator("CmdOrCtrl+Q")
        .build(app)?;
    let file = SubmenuBuilder::new(app, "File")
        .item(&item(app, NewWorkspace)?)
        .item(&item(app, OpenWorkspace)?)
        .separator()
        .item(&quit)
        .build()?;
    let edit = SubmenuBuilder::new(app, "Edit")
        .undo()
        .redo()
        .separator()
        .cut()
        .copy()
        .paste()
        .separator()
        .select_all()
        .build()?;
    let theme = SubmenuBuilder::new(app, "Theme")
        .item(&item(app, ThemeSystem)?)
        .item(&item(app, ThemeLight)?)
        .item(&item(app, ThemeDark)?)
        .build()?;
    let view = SubmenuBuilder::new(app, "View")
        .item(&item(app, ViewTimeline)?)
        .item(&item(app, ViewMonth)?)
        .item(&item(app, ViewTable)?)
        .separator()
        .item(&item(app, QuickSearch)?)
        .separator()
        .item(&theme)
        .build()?;
    let help = SubmenuBuilder::new(app, "Help")
        .about_with_text("About Switchyard", Some(about(app)))
        .build()?;
    Menu::with_items(app, &[&file, &edit, &view, &help])
}

/// What Help > About Switchyard shows: the same version as `switchyard --version`.
pub fn about<R: Runtime>(app: &AppHandle<R>) -> AboutMetadata<'static> {
    AboutMetadata {
        name: Some("Switchyard".into()),
        version: Some(env!("CARGO_PKG_VERSION").into()),
        comments: Some(
            "Release calendars and trains, readiness reviews and go/no-go decisions, DORA metrics; local-first, offline."
                .into(),
        ),
        license: Some(env!("CARGO_PKG_LICENSE").into()),
        icon: app.default_window_icon().cloned().map(|i| i.to_owned()),
        ..Default::default()
    }
}

/// A menu click: Quit ends the app, Switchyard's own items go to the window.
pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let id = event.id().as_ref();
    if id == QUIT {
        app.exit(0);
    } else if let Some(action) = MenuAction::from_id(id) {
        app.state::<MenuChannel>().send(action);
    }
}
