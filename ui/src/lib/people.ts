import type { Person } from "./bindings/Person";
import type { PersonForm } from "./bindings/PersonForm";

/** Words a role label keeps in capitals. */
const ACRONYMS: Record<string, string> = { qa: "QA", sre: "SRE" };

/** A role word as a person reads it: `change_board` → "Change board", `sre` → "SRE". */
export function roleLabel(role: string): string {
  const words = role.split("_").filter((w) => w.length > 0);
  return words
    .map((w, i) => ACRONYMS[w] ?? (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(" ");
}

/** Identities typed comma or space separated, blanks dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The form for a new person, or filled from `p`. */
export function formOf(p: Person | null): PersonForm {
  return {
    name: p?.name ?? "",
    roles: p ? [...p.roles] : [],
    github: p ? [...p.github] : [],
    jira: p ? [...p.jira] : [],
  };
}

/** `roles` with `role` added at the end, or taken out when it is there. */
export function toggleRole(roles: readonly string[], role: string): string[] {
  return roles.includes(role) ? roles.filter((r) => r !== role) : [...roles, role];
}

/**
 * A typed role as the workspace stores it (trimmed, lower case, `-` and spaces as `_`), or
 * null when it is not a role word; the app checks again.
 */
export function normalRole(text: string): string | null {
  const r = text.trim().toLowerCase().replace(/[- ]/g, "_");
  return r.length > 0 && /^[a-z0-9_]+$/.test(r) ? r : null;
}

/** The roles to offer: those given, then any a person holds that is not among them. */
export function roleChoices(offered: readonly string[], held: readonly string[]): string[] {
  const out = [...offered];
  for (const r of held) if (!out.includes(r)) out.push(r);
  return out;
}
