// The window's planning state: the move being previewed, the scenario draft (it lives
// only here until applied), the last change undo would reverse, the plan's conflicts and
// the focused release's chain. Every write goes through the app layer's commands.

import {
  ApiRequestError,
  addReleaseDependency,
  applyScenario,
  getLastChange,
  getPlanConflicts,
  getReleaseChain,
  previewScenario,
  removeReleaseDependency,
  toApiError,
  undoLastChange,
} from "./api";
import type { ConflictView } from "./bindings/ConflictView";
import type { ReleaseChain } from "./bindings/ReleaseChain";
import type { ScenarioMove } from "./bindings/ScenarioMove";
import type { ScenarioPreview } from "./bindings/ScenarioPreview";
import type { UndoableChange } from "./bindings/UndoableChange";
import { addMove, removeMove } from "./planning";

export class Planning {
  /** The single move previewed (the slip preview), before Apply / Add to scenario. */
  pending: ScenarioMove | null = $state.raw(null);
  preview: ScenarioPreview | null = $state.raw(null);
  previewError: ApiRequestError | null = $state.raw(null);
  busy = $state(false);
  /** The scenario draft and its preview. */
  draft: ScenarioMove[] = $state.raw([]);
  draftPreview: ScenarioPreview | null = $state.raw(null);
  draftError: ApiRequestError | null = $state.raw(null);
  lastChange: UndoableChange | null = $state.raw(null);
  conflicts: ConflictView[] = $state.raw([]);
  /** Releases to highlight on the calendar (a selected conflict). */
  highlight: number[] = $state.raw([]);
  chain: ReleaseChain | null = $state.raw(null);
  showCritical = $state(false);
  /** The last write's error (undo, dependency), with its code. */
  error: ApiRequestError | null = $state.raw(null);

  /** Called after every write of ours: the calendar is fetched again. */
  constructor(private readonly changed: () => Promise<void>) {}

  async refresh(): Promise<void> {
    const [last, list] = await Promise.allSettled([getLastChange(), getPlanConflicts()]);
    if (last.status === "fulfilled") this.lastChange = last.value;
    if (list.status === "fulfilled") this.conflicts = list.value.conflicts;
    if (this.chain) await this.focus(this.chain.release_id);
    if (this.draft.length) await this.previewDraft();
  }

  /** Opens the slip preview of one move (on top of the draft, when there is one). */
  async propose(move: ScenarioMove): Promise<void> {
    this.pending = move;
    this.preview = null;
    this.previewError = null;
    try {
      const p = await previewScenario([move]);
      if (this.pending === move) this.preview = p;
    } catch (e) {
      if (this.pending === move) this.previewError = toApiError("preview_scenario", e);
    }
  }

  cancel(): void {
    this.pending = null;
    this.preview = null;
    this.previewError = null;
  }

  async applyPending(): Promise<void> {
    if (!this.pending) return;
    await this.write("apply_scenario", async () => {
      await applyScenario([this.pending!]);
      this.cancel();
    });
  }

  async addPendingToDraft(): Promise<void> {
    if (!this.pending) return;
    this.draft = addMove(this.draft, this.pending);
    this.cancel();
    await this.previewDraft();
  }

  async removeFromDraft(release: number): Promise<void> {
    this.draft = removeMove(this.draft, release);
    if (this.draft.length) await this.previewDraft();
    else this.draftPreview = null;
  }

  async previewDraft(): Promise<void> {
    this.draftError = null;
    try {
      this.draftPreview = await previewScenario(this.draft);
    } catch (e) {
      this.draftError = toApiError("preview_scenario", e);
    }
  }

  async applyDraft(): Promise<void> {
    if (!this.draft.length) return;
    await this.write("apply_scenario", async () => {
      await applyScenario(this.draft);
      this.discard();
    });
  }

  /** Drops the draft: nothing was written. */
  discard(): void {
    this.draft = [];
    this.draftPreview = null;
    this.draftError = null;
  }

  async undo(): Promise<void> {
    if (!this.lastChange) return;
    await this.write("undo_last_change", () => undoLastChange().then(() => {}));
  }

  async focus(release: number | null): Promise<void> {
    if (release === null) {
      this.chain = null;
      this.showCritical = false;
      return;
    }
    try {
      const c = await getReleaseChain(release);
      this.chain = c;
    } catch {
      this.chain = null;
    }
  }

  async addDependency(blocker: number, blocked: number): Promise<boolean> {
    return this.write("add_release_dependency", () => addReleaseDependency(blocker, blocked).then(() => {}));
  }

  async removeDependency(id: number): Promise<boolean> {
    return this.write("remove_release_dependency", () => removeReleaseDependency(id).then(() => {}));
  }

  private async write(command: string, f: () => Promise<void>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    try {
      await f();
      await this.changed();
      await this.refresh();
      return true;
    } catch (e) {
      const err = toApiError(command, e);
      if (command === "apply_scenario" && this.pending) this.previewError = err;
      else this.error = err;
      return false;
    } finally {
      this.busy = false;
    }
  }
}
