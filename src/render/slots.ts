/**
 * Capture slots: how many renders of a node may take their PDF/screenshot at once. Pages run their
 * queries side by side (that is mostly waiting), but a capture keeps the browser's CPU busy, so a
 * render whose page is ready waits here (`enqueued_for_render`) for a slot, first come first served.
 */
export class Slots {
  readonly size: number;
  #used = 0;
  readonly #waiting: { grant: () => void; off: () => void }[] = [];

  constructor(size: number) {
    this.size = Math.max(1, Math.floor(size));
  }

  /** Slots taken now. */
  get used(): number {
    return this.#used;
  }

  /** Renders waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Resolves with the slot's release (call it once, when the capture ended); rejects with the
   * signal's reason when it aborts first, leaving its place in the line.
   */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    if (this.#used < this.size) {
      this.#used++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => { resolve(this.#releaser()); },
        off: () => { signal.removeEventListener('abort', onAbort); },
      };
      const onAbort = (): void => {
        const i = this.#waiting.indexOf(entry);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next in line (never free in between, so no one jumps it).
      const next = this.#waiting.shift();
      if (next) {
        next.off();
        next.grant();
      } else {
        this.#used--;
      }
    };
  }
}
