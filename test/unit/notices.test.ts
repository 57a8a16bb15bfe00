import { describe, expect, it } from 'vitest';
import { REDELIVERY_RESTART_HOURS, redeliveryName, redeliveryStep } from '../../functions/core/notices.ts';

describe('the notice re-driver', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

  it('starts a notice whose start by its own name went through', () => {
    expect(redeliveryStep(true, 'PENDING', hoursAgo(1), now)).toBe('START');
  });

  it('leaves a delivery that is still running (refused start, notice PENDING, recent)', () => {
    expect(redeliveryStep(false, 'PENDING', hoursAgo(1), now)).toBe('LEAVE_RUNNING');
  });

  it('clears the index of a notice that went or was given up (refused start, not PENDING)', () => {
    expect(redeliveryStep(false, 'SENT', hoursAgo(1), now)).toBe('CLEAR');
    expect(redeliveryStep(false, 'UNDELIVERABLE', hoursAgo(30), now)).toBe('CLEAR');
    expect(redeliveryStep(false, null, hoursAgo(30), now)).toBe('CLEAR');
  });

  it('restarts a notice still PENDING long after its own delivery must have ended', () => {
    expect(redeliveryStep(false, 'PENDING', hoursAgo(REDELIVERY_RESTART_HOURS), now)).toBe('RESTART');
  });

  it('names a day’s re-delivery within Step Functions’ limits, once per notice and day', () => {
    const long = `lifecycle-${'x'.repeat(200)}`;
    const name = redeliveryName(long, '2026-12-01');
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(name).toBe(redeliveryName(long, '2026-12-01'));
    expect(name).not.toBe(redeliveryName(long, '2026-12-02'));
    expect(name).not.toBe(redeliveryName(`${long}y`, '2026-12-01'));
  });
});
