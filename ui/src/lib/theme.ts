/** The colour theme: the system's (prefers-color-scheme) unless Light or Dark is chosen. */
export type ThemeChoice = "system" | "light" | "dark";

export const THEME_CHOICES: { id: ThemeChoice; label: string }[] = [
  { id: "system", label: "System" },
  { id: "light", label: "Light" },
  { id: "dark", label: "Dark" },
];

const KEY = "switchyard.theme";

/** The choice kept in `storage`; "system" when none (or an unknown word) is kept. */
export function loadTheme(storage: Pick<Storage, "getItem"> | undefined): ThemeChoice {
  let v: string | null = null;
  try {
    v = storage?.getItem(KEY) ?? null;
  } catch {
    v = null;
  }
  return v === "light" || v === "dark" ? v : "system";
}

export function saveTheme(storage: Pick<Storage, "setItem" | "removeItem"> | undefined, choice: ThemeChoice): void {
  try {
    if (choice === "system") storage?.removeItem(KEY);
    else storage?.setItem(KEY, choice);
  } catch {
    // A storage that refuses (private mode, full) keeps the choice for this session only.
  }
}

/** Sets `data-theme` on the root element: app.css follows the system when it is absent. */
export function applyTheme(root: HTMLElement, choice: ThemeChoice): void {
  if (choice === "system") delete root.dataset.theme;
  else root.dataset.theme = choice;
}
