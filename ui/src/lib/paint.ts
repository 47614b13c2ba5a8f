// When what arrived is on screen: after Svelte's update and two animation frames (the first
// frame lays it out, the second is drawn), as the calendar measures `calendar:painted`.
import { tick } from "svelte";

export function afterTwoFrames(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
  });
}

/** Milliseconds from `since` (a `performance.now()`) until the next paint of the DOM. */
export async function paintedAfter(since: number): Promise<number> {
  await tick();
  await afterTwoFrames();
  return performance.now() - since;
}
