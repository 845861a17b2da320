/**
 * Uploads never sent are deleted a day after they arrived, by the room's alarm: a
 * quiet room sweeps them as surely as a busy one (the deadline is the oldest
 * unsent upload's age limit, kept among the room's other deadlines).
 */
import type { Deadlines } from '../shared/deadlines';
import type { AttachmentRegistry } from './attachment-registry';

export const UPLOAD_SWEEP_DEADLINE = 'upload-sweep';
export const ABANDONED_UPLOAD_MS = 24 * 3600_000;

export class UploadSweep {
  constructor(
    private readonly registry: AttachmentRegistry,
    private readonly deadlines: Deadlines,
    private readonly deleteFiles: (ids: string[]) => void,
  ) {}

  /** After an upload is registered: the sweep is due when the oldest unsent one expires. */
  async schedule(): Promise<void> {
    const oldest = this.registry.oldestUnsentAt();
    if (oldest === undefined) await this.deadlines.set(UPLOAD_SWEEP_DEADLINE, null);
    else await this.deadlines.ensure(UPLOAD_SWEEP_DEADLINE, oldest + ABANDONED_UPLOAD_MS);
  }

  /** From the alarm (or any time): deletes what expired, then schedules the next. */
  async sweep(now = Date.now()): Promise<void> {
    const cutoff = new Date(now - ABANDONED_UPLOAD_MS).toISOString();
    for (let ids = this.registry.takeAbandoned(cutoff); ids.length; ids = this.registry.takeAbandoned(cutoff)) this.deleteFiles(ids);
    const oldest = this.registry.oldestUnsentAt();
    await this.deadlines.set(UPLOAD_SWEEP_DEADLINE, oldest === undefined ? null : oldest + ABANDONED_UPLOAD_MS);
  }
}
