//! The native menu's own actions: what a click on File > New workspace…, View > Month or
//! View > Theme > Dark asks the window to do. The shell builds the menu from this list and
//! sends each click to the window over the channel it opened with `listen_menu`; the
//! standard items (Quit, Undo, Cut, Copy, Paste, Select All) are the platform's own.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MenuAction {
    NewWorkspace,
    OpenWorkspace,
    ViewTimeline,
    ViewMonth,
    ViewTable,
    QuickSearch,
    ThemeSystem,
    ThemeLight,
    ThemeDark,
}

impl MenuAction {
    pub const ALL: [MenuAction; 9] = [
        MenuAction::NewWorkspace,
        MenuAction::OpenWorkspace,
        MenuAction::ViewTimeline,
        MenuAction::ViewMonth,
        MenuAction::ViewTable,
        MenuAction::QuickSearch,
        MenuAction::ThemeSystem,
        MenuAction::ThemeLight,
        MenuAction::ThemeDark,
    ];

    /// The menu item's id: the same word the window receives.
    pub fn id(self) -> &'static str {
        match self {
            MenuAction::NewWorkspace => "new_workspace",
            MenuAction::OpenWorkspace => "open_workspace",
            MenuAction::ViewTimeline => "view_timeline",
            MenuAction::ViewMonth => "view_month",
            MenuAction::ViewTable => "view_table",
            MenuAction::QuickSearch => "quick_search",
            MenuAction::ThemeSystem => "theme_system",
            MenuAction::ThemeLight => "theme_light",
            MenuAction::ThemeDark => "theme_dark",
        }
    }

    /// The action of a menu item's id; `None` for the platform's own items.
    pub fn from_id(id: &str) -> Option<MenuAction> {
        MenuAction::ALL.into_iter().find(|a| a.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            MenuAction::NewWorkspace => "New workspace…",
            MenuAction::OpenWorkspace => "Open workspace…",
            MenuAction::ViewTimeline => "Timeline",
            MenuAction::ViewMonth => "Month",
            MenuAction::ViewTable => "Table",
            MenuAction::QuickSearch => "Quick search…",
            MenuAction::ThemeSystem => "System",
            MenuAction::ThemeLight => "Light",
            MenuAction::ThemeDark => "Dark",
        }
    }

    /// The shortcut, the same keys the window handles itself (App.svelte).
    pub fn accelerator(self) -> Option<&'static str> {
        match self {
            MenuAction::NewWorkspace => Some("CmdOrCtrl+N"),
            MenuAction::OpenWorkspace => Some("CmdOrCtrl+O"),
            MenuAction::ViewTimeline => Some("CmdOrCtrl+1"),
            MenuAction::ViewMonth => Some("CmdOrCtrl+2"),
            MenuAction::ViewTable => Some("CmdOrCtrl+3"),
            MenuAction::QuickSearch => Some("CmdOrCtrl+K"),
            MenuAction::ThemeSystem | MenuAction::ThemeLight | MenuAction::ThemeDark => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_window_receives_the_menu_items_id() {
        for a in MenuAction::ALL {
            assert_eq!(
                serde_json::to_string(&a).unwrap(),
                format!("\"{}\"", a.id())
            );
            assert_eq!(MenuAction::from_id(a.id()), Some(a));
        }
        assert_eq!(MenuAction::from_id("quit"), None);
        let ids: BTreeSet<_> = MenuAction::ALL.iter().map(|a| a.id()).collect();
        assert_eq!(ids.len(), MenuAction::ALL.len());
        let keys: Vec<_> = MenuAction::ALL
            .iter()
            .filter_map(|a| a.accelerator())
            .collect();
        let unique: BTreeSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len(), "a shortcut used twice");
    }
}
