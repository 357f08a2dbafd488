import { describe, expect, it } from 'vitest';
import { Slots } from './slots.ts';

describe('capture slots', () => {
  it('grants up to its size at once, then first come first served as slots are released', async () => {
    const slots = new Slots(2);
    const live = new AbortController().signal;
    const a = await slots.acquire(live);
    const b = await slots.acquire(live);
    const order: string[] = [];
    const c = slots.acquire(live).then((r) => { order.push('c'); return r; });
    const d = slots.acquire(live).then((r) => { order.push('d'); return r; });
    await Promise.resolve();
    expect({ used: slots.used, waiting: slots.waiting, order }).toEqual({ used: 2, waiting: 2, order: [] });
    a();
    a(); // a second call of the same release is ignored
    const releaseC = await c;
    expect({ used: slots.used, waiting: slots.waiting, order }).toEqual({ used: 2, waiting: 1, order: ['c'] });
    b();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    releaseD();
    expect({ used: slots.used, waiting: slots.waiting }).toEqual({ used: 0, waiting: 0 });
  });

  it('drops a waiter whose signal aborts (with its reason), and refuses an aborted signal at once', async () => {
    const slots = new Slots(1);
    const first = await slots.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    expect(slots.waiting).toBe(1);
    controller.abort(new Error('The render task was deleted.'));
    await expect(waiting).rejects.toThrow('The render task was deleted.');
    expect(slots.waiting).toBe(0);
    await expect(slots.acquire(controller.signal)).rejects.toThrow('The render task was deleted.');
    first();
    expect(slots.used).toBe(0);
  });
});
