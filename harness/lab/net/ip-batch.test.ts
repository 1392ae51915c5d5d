import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/clock.ts';
import { execFailure, fakeExec } from './fake-exec.test-helpers.ts';
import { failedBatchLine, isTransientKernelError, LabCommandError, runIpBatch } from './ip-batch.ts';

/** A clock whose sleeps return at once and are counted. */
function instantClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    monotonicMs: () => 0,
    wallMs: () => 0,
    setTimer: () => ({ cancel: () => undefined }),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve('elapsed');
    },
  };
}

const LINES = ['link add a type dummy', 'link add b type dummy', 'link set b up', 'link set a up'];

describe('runIpBatch', () => {
  it('runs the script on stdin of ip -n <netns> -batch -', async () => {
    const { exec, calls } = fakeExec();
    await runIpBatch(exec, LINES, { netns: 'l2l-x-lab', action: 'test', clock: instantClock() });
    expect(calls).toEqual([{ file: 'ip', args: ['-n', 'l2l-x-lab', '-batch', '-'], input: `${LINES.join('\n')}\n` }]);
  });

  it('retries a transient error from the failing line on, with doubling back-off', async () => {
    const clock = instantClock();
    const { exec, calls } = fakeExec((_call, i) => {
      if (i === 0) throw execFailure('RTNETLINK answers: Device or resource busy\nCommand failed -:3\n');
      if (i === 1) throw execFailure('RTNETLINK answers: Resource temporarily unavailable\nCommand failed -:1\n');
      return undefined;
    });
    await runIpBatch(exec, LINES, { netns: 'ns', action: 'test', clock });
    expect(calls.map((c) => c.input)).toEqual([`${LINES.join('\n')}\n`, 'link set b up\nlink set a up\n', 'link set b up\nlink set a up\n']);
    expect(clock.sleeps).toEqual([20, 40]);
  });

  it('does not retry a permanent error, and names the netns, the line and the kernel message', async () => {
    const { exec, calls } = fakeExec(() => {
      throw execFailure('RTNETLINK answers: File exists\nCommand failed -:2\n');
    });
    const run = runIpBatch(exec, LINES, { netns: 'l2l-x-lab', action: 'creating the links of run x', clock: instantClock() });
    await expect(run).rejects.toThrow(LabCommandError);
    await expect(run).rejects.toThrow("creating the links of run x in netns l2l-x-lab: 'ip link add b type dummy' failed: RTNETLINK answers: File exists");
    expect(calls).toHaveLength(1);
  });

  it('gives up on a transient error after the bounded number of attempts', async () => {
    const { exec, calls } = fakeExec(() => {
      throw execFailure('RTNETLINK answers: Device or resource busy\nCommand failed -:1\n');
    });
    await expect(runIpBatch(exec, LINES, { action: 'test', clock: instantClock(), maxAttempts: 3 })).rejects.toThrow('still failing after 3 attempts');
    expect(calls).toHaveLength(3);
  });
});

describe('batch error parsing', () => {
  it('finds the failing line', () => {
    expect(failedBatchLine('Error: x\nCommand failed -:12\n')).toBe(12);
    expect(failedBatchLine('Command failed /tmp/b1:1')).toBe(1);
    expect(failedBatchLine('Error: x')).toBeUndefined();
  });

  it('treats EBUSY, EAGAIN and ENOBUFS as transient, nothing else', () => {
    expect(isTransientKernelError('RTNETLINK answers: Device or resource busy')).toBe(true);
    expect(isTransientKernelError('RTNETLINK answers: No buffer space available')).toBe(true);
    expect(isTransientKernelError('RTNETLINK answers: File exists')).toBe(false);
    expect(isTransientKernelError('Cannot find device "eth9"')).toBe(false);
  });
});
