import { strict as assert } from 'node:assert';
import { sleep, systemClock } from '../../../src/broker/clock';
import { ManualClock } from '../../support/manual-clock';

describe('Clock', () => {
  it('ManualClock.advance runs due timers in due order (ties in the order set), each at its own time', () => {
    const clock = new ManualClock(1000);
    const ran: string[] = [];
    const at = (name: string) => () => ran.push(`${name}@${clock.now()}`);
    clock.setTimeout(at('b'), 20);
    clock.setTimeout(at('a'), 10);
    clock.setTimeout(at('a2'), 10);
    const dropped = clock.setTimeout(at('never'), 15);
    clock.clearTimeout(dropped);
    // A timer set by a callback runs in the same advance if it falls due within it.
    clock.setTimeout(() => {
      ran.push(`c@${clock.now()}`);
      clock.setTimeout(at('d'), 5);
    }, 12);
    clock.advance(19);
    assert.deepEqual(ran, ['a@1010', 'a2@1010', 'c@1012', 'd@1017']);
    assert.equal(clock.now(), 1019);
    clock.advance(1);
    assert.deepEqual(ran.slice(4), ['b@1020']);
    assert.equal(clock.pending, 0);
  });

  it('ManualClock intervals repeat until cleared', () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const t = clock.setInterval(() => ticks.push(clock.now()), 100);
    clock.advance(350);
    assert.deepEqual(ticks, [100, 200, 300]);
    clock.clearTimeout(t);
    clock.advance(1000);
    assert.deepEqual(ticks, [100, 200, 300]);
  });

  it('sleep resolves after its time on the clock, or at once when cancelled', async () => {
    const clock = new ManualClock(0);
    let woke = false;
    const s = sleep(clock, 50).then(() => (woke = true));
    await clock.advanceAsync(49);
    assert.equal(woke, false);
    await clock.advanceAsync(1);
    await s;
    assert.equal(woke, true);
    let stop!: () => void;
    const cancelled = sleep(clock, 1_000_000, new Promise<void>((r) => (stop = r)));
    stop();
    await cancelled;
    assert.equal(clock.pending, 0, 'its timer was cleared');
  });

  it('the system clock is Date.now and real timers', async () => {
    assert.ok(Math.abs(systemClock.now() - Date.now()) < 1000);
    await sleep(systemClock, 1);
    let ran = false;
    systemClock.clearTimeout(systemClock.setTimeout(() => (ran = true), 1));
    await sleep(systemClock, 5);
    assert.equal(ran, false);
  });
});
