/**
 * Links built from synced or typed URLs. Only http and https become an `href`: a
 * `javascript:`, `data:` or `vbscript:` URL from a hostile Jira or GitHub is shown as text,
 * not as a link (the click handlers open links through the backend's `open_link`, which
 * checks again). Whitespace and control characters inside the scheme, which browsers strip
 * before reading it (`java\tscript:`), cannot sneak one past: the URL is parsed first.
 */
export function webHref(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  if (parsed.username || parsed.password) return null;
  return parsed.href;
}
