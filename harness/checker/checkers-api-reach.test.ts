/**
 * The election-liveness clocks (INV-FAILOVER-BOUND, INV-REACQUIRE) on literal histories: they run
 * only while a candidate reaches the API server, which a lease request swallowed by a `drop`
 * partition prevents until it times out; and a gap is judged when it ends, not only while it lasts.
 */
import { describe, expect, it } from 'vitest';
import { checkFailoverBound } from './failover-bound.ts';
import { CONTEXT, history, MAC, VIP, WEB } from './history.test-helpers.ts';
import { checkReacquire } from './reacquire.ts';

/**
 * n1 holds; n2 (the only other eligible node) is partitioned (drop) 95–100 s and its GET sent at
 * 96 s is swallowed: it times out at 106 s, 6 s after the heal. n1 is killed at the heal.
 */
const swallowed = () =>
  history()
    .webExpected(0, ['n1', 'n2'])
    .ips(0, WEB, [VIP])
    .became(0, 'n1')
    .nemesis(95_000, 'partition-api', { node: 'n2', mode: 'drop' })
    .leaseRequest(106_000, 'n2', 'get', { outcome: 'store-timeout', latencyMs: 10_000 }, 'info')
    .nemesis(100_000, 'kill-node', { node: 'n1' })
    .nemesis(100_000, 'heal-api', { node: 'n2' });
const end = 200_000;

describe('failover-bound: a request swallowed by a partition', () => {
  /**
   * Why this test? explore found reference-failover-bound-s1: n2 partitioned 5–6 s, the holder
   * killed at 6 s. n2's acquire GET sent into the partition hung for the 10 s client timeout, so n2
   * could not reach the API server until 15.1 s; the clock had run from the heal.
   */
  it('the clock starts when the swallowed request completes, not at the heal', () => {
    // Bound 24.4 s from 106 s: 130.4 s.
    const inTime = swallowed().became(127_000, 'n2').answer(127_050, MAC.n2, VIP, 'gratuitous-reply').op(end, 'harness', 'end', null);
    expect(checkFailoverBound(inTime.ops, CONTEXT)).toMatchObject({ valid: true, details: { takeovers: [{ node: 'n1', latencyMs: 27_050 }] } });
    const late = swallowed().became(131_000, 'n2').answer(131_050, MAC.n2, VIP, 'gratuitous-reply').op(end, 'harness', 'end', null);
    expect(checkFailoverBound(late.ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 130_400 });
  });

  it('a request that failed at once (reject partition) leaves no tail', () => {
    const rejected = history()
      .webExpected(0, ['n1', 'n2'])
      .ips(0, WEB, [VIP])
      .became(0, 'n1')
      .nemesis(95_000, 'partition-api', { node: 'n2', mode: 'reject' })
      .leaseRequest(96_000, 'n2', 'get', { outcome: 'store-unavailable', latencyMs: 0 }, 'fail')
      .nemesis(100_000, 'kill-node', { node: 'n1' })
      .nemesis(100_000, 'heal-api', { node: 'n2' });
    const h = rejected.became(127_000, 'n2').answer(127_050, MAC.n2, VIP, 'gratuitous-reply').op(end, 'harness', 'end', null);
    expect(checkFailoverBound(h.ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 124_400 });
  });
});

describe('failover-bound: a candidate that restarts', () => {
  /**
   * Why this test? explore (reference, round 4, seed 7): the holder n1 killed at 5 s; the only other
   * candidate's agent killed 7–8 s. The restarted agent's elector observes the Lease afresh at 8 s
   * and must see it unchanged for leaseDuration: the bound runs from the restart.
   */
  it('when every candidate restarted, the bound runs from the restart', () => {
    const h = (takeoverMs: number) =>
      history()
        .webExpected(0, ['n1', 'n2'])
        .ips(0, WEB, [VIP])
        .became(0, 'n1')
        .nemesis(100_000, 'kill-node', { node: 'n1' })
        .nemesis(102_000, 'kill-agent', { node: 'n2' })
        .nemesis(103_000, 'restart-agent', { node: 'n2' })
        .became(takeoverMs, 'n2')
        .answer(takeoverMs + 50, MAC.n2, VIP, 'gratuitous-reply')
        .op(end, 'harness', 'end', null);
    // From the restart at 103 s: 127.4 s (the joint clock, paused 1 s, said 125.4 s).
    expect(checkFailoverBound(h(127_000).ops, CONTEXT).valid).toBe(true);
    expect(checkFailoverBound(h(127_400).ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 127_400 });
  });

  /**
   * Why this test? explore (reference, 10,000 runs, random seed 1200931976): the only candidate's
   * link flapped, and under candidacyRequiresLinkUp each return started a fresh elector
   * (`candidacy` true): the bound runs from the last fresh start.
   */
  it('a fresh elector (candidacy again) restarts the candidate\'s clock', () => {
    const h = (takeoverMs: number) =>
      history()
        .webExpected(0, ['n1', 'n2'])
        .ips(0, WEB, [VIP])
        .became(0, 'n1')
        .nemesis(100_000, 'kill-node', { node: 'n1' })
        .op(103_000, 'n2', 'candidacy', { service: WEB, candidate: true, policies: ['p'] })
        .became(takeoverMs, 'n2')
        .answer(takeoverMs + 50, MAC.n2, VIP, 'gratuitous-reply')
        .op(end, 'harness', 'end', null);
    expect(checkFailoverBound(h(127_000).ops, CONTEXT).valid).toBe(true);
    expect(checkFailoverBound(h(127_400).ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 127_400 });
  });

  /**
   * Why this test? explore (reference, 10,000 runs, random seed 1034372425): n2, the one candidate
   * available after the death, died 1 s later; n1, partitioned, could only start from its heal.
   * The progress the joint clock counted for n2 died with it.
   */
  it('a candidate that dies takes the progress counted for it along', () => {
    const h = (takeoverMs: number) =>
      history()
        .webExpected(0, ['n1', 'n2', 'n3'])
        .ips(0, WEB, [VIP])
        .became(0, 'n3')
        .nemesis(99_000, 'partition-api', { node: 'n1', mode: 'reject' })
        .nemesis(100_000, 'kill-node', { node: 'n3' })
        .nemesis(101_000, 'kill-node', { node: 'n2' })
        .nemesis(110_000, 'heal-api', { node: 'n1' })
        .became(takeoverMs, 'n1')
        .answer(takeoverMs + 50, MAC.n1, VIP, 'gratuitous-reply')
        .op(end, 'harness', 'end', null);
    // n1's own clock runs from its heal at 110 s: 134.4 s (the joint clock said 133.4 s).
    expect(checkFailoverBound(h(134_000).ops, CONTEXT).valid).toBe(true);
    expect(checkFailoverBound(h(134_400).ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 134_400 });
  });

  it('a candidate that kept observing sets the bound', () => {
    const h = history()
      .webExpected(0, ['n1', 'n2', 'n3'])
      .ips(0, WEB, [VIP])
      .became(0, 'n1')
      .nemesis(100_000, 'kill-node', { node: 'n1' })
      .nemesis(102_000, 'kill-agent', { node: 'n2' })
      .nemesis(103_000, 'restart-agent', { node: 'n2' })
      .became(127_000, 'n2')
      .answer(127_050, MAC.n2, VIP, 'gratuitous-reply')
      .op(end, 'harness', 'end', null);
    expect(checkFailoverBound(h.ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 124_400 });
  });
});

describe('failover-bound: the model stops owing a takeover', () => {
  /**
   * Why this test? explore (reference, 10,000 runs, seed 1): the holder frozen at 5 s; a policy
   * edit at 6 s selected no node, so nobody was to announce the service any more.
   */
  it('a service that stops being announceable before the deadline owes no takeover', () => {
    const h = (editMs: number) => history().webExpected(0, ['n1', 'n2']).ips(0, WEB, [VIP]).became(0, 'n1').nemesis(100_000, 'kill-node', { node: 'n1' }).webExpected(editMs, [], false).op(end, 'harness', 'end', null);
    expect(checkFailoverBound(h(101_000).ops, CONTEXT).valid).toBe(true);
    expect(checkFailoverBound(h(130_000).ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 124_400 });
  });

  it('nor one whose only eligible node left is dead', () => {
    const h = history().webExpected(0, ['n1', 'n2', 'n3']).ips(0, WEB, [VIP]).became(0, 'n1').nemesis(100_000, 'kill-node', { node: 'n3' }).nemesis(100_000, 'kill-node', { node: 'n1' }).webExpected(101_000, ['n3']).op(end, 'harness', 'end', null);
    expect(checkFailoverBound(h.ops, CONTEXT).valid).toBe(true);
  });
});

describe('reacquire: gaps', () => {
  /**
   * Why this test? The gap was judged only at change points where the lease was still unheld: a
   * takeover after the bound ended the gap and was never reported (found replaying
   * reference-failover-bound-s1, whose 12.5 s gap reacquire passed).
   */
  it('a gap ended by a takeover after the bound is a violation', () => {
    const late = history().webExpected(0).became(0, 'n1').lost(50_000, 'n1').became(80_000, 'n2').op(end, 'harness', 'end', null);
    expect(checkReacquire(late.ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 74_400 });
    const inTime = history().webExpected(0).became(0, 'n1').lost(50_000, 'n1').became(74_000, 'n2').op(end, 'harness', 'end', null);
    expect(checkReacquire(inTime.ops, CONTEXT).valid).toBe(true);
  });

  /**
   * Why this test? explore found reference-reacquire-s1: n1's agent killed 5–6 s, n1 partitioned
   * (drop) 5–7 s. The restarted agent's informer LISTs went into the partition and hung for the
   * client timeout; until they failed it could not even decide candidacy.
   */
  it('a swallowed informer LIST keeps the node from reaching the API too', () => {
    const listed = (completionMs: number) =>
      history()
        .webExpected(0, ['n1'])
        .became(0, 'n1')
        .nemesis(5_000, 'kill-agent', { node: 'n1' })
        .nemesis(5_000, 'partition-api', { node: 'n1', mode: 'drop' })
        .nemesis(6_000, 'restart-agent', { node: 'n1' })
        .op(completionMs, 'n1', 'api-request', { verb: 'list', namespace: '', outcome: 'store-timeout', latencyMs: completionMs - 6_000 }, 'info')
        .nemesis(7_000, 'heal-api', { node: 'n1' })
        // The informer's retry after its 0.8 s backoff.
        .op(completionMs + 810, 'n1', 'api-request', { verb: 'list', namespace: '', outcome: 'ok', latencyMs: 2 }, 'ok');
    // Owed once it has listed again, at 16.81 s: 24.4 s later.
    expect(checkReacquire(listed(16_000).became(41_000, 'n1').op(end, 'harness', 'end', null).ops, CONTEXT).valid).toBe(true);
    expect(checkReacquire(listed(16_000).became(42_000, 'n1').op(end, 'harness', 'end', null).ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 41_210 });
  });

  /**
   * Why this test? explore (reference, round 3, seed 5): n1 partitioned (drop) 5–8 s lost its Lease;
   * its acquire GET sent at 7.06 s went into the partition and was still waiting (10 s client
   * timeout) when n1 was killed at 13 s. No completion in the history: the request is outstanding
   * until the process that sent it dies.
   */
  it('a swallowed request that never completes keeps the node cut off until it dies', () => {
    const h = (killMs: number) =>
      history()
        .webExpected(0, ['n1'])
        .became(0, 'n1')
        .nemesis(5_000, 'partition-api', { node: 'n1', mode: 'drop' })
        .lost(7_060, 'n1')
        .op(7_060, 'n1', 'lease-request', { verb: 'get', name: 'cilium-l2announce-default-web' }, 'invoke')
        .nemesis(8_000, 'heal-api', { node: 'n1' })
        .nemesis(killMs, 'kill-node', { node: 'n1' })
        .op(end, 'harness', 'end', null);
    // Still waiting when killed at 40 s (a long client timeout): nothing was owed after the heal.
    expect(checkReacquire(h(40_000).ops, CONTEXT).valid).toBe(true);
    // Answered before the kill: owed from the heal on (24.4 s bound), and late.
    const answered = h(50_000).op(17_060, 'n1', 'lease-request', { verb: 'get', name: 'cilium-l2announce-default-web', outcome: 'store-timeout', latencyMs: 10_000 }, 'info');
    expect(checkReacquire(answered.ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 41_460 });
  });

  /**
   * Why this test? explore (reference, 10,000 runs, random seed 1519591736): n1's agent killed at
   * 5 s and restarted at 6 s in an API outage 5–12 s. Its informers' LISTs failed and backed off
   * (0.8, 1.6, 3.2, 6.4 s); it listed again at 18 s and led at once. Until it has listed, a
   * restarted agent cannot act — for at most the reflector's 30 s backoff cap.
   */
  it('a restarted agent owes nothing until its informers have listed, at most 30 s after the API is back', () => {
    const h = () =>
      history()
        .webExpected(0, ['n1'])
        .became(0, 'n1')
        .nemesis(5_000, 'api-outage')
        .nemesis(5_000, 'kill-agent', { node: 'n1' })
        .nemesis(6_000, 'restart-agent', { node: 'n1' })
        .op(6_001, 'n1', 'api-request', { verb: 'list', namespace: '', outcome: 'store-unavailable', latencyMs: 1 }, 'fail')
        .nemesis(12_000, 'api-restore');
    const listed = () => h().op(18_010, 'n1', 'api-request', { verb: 'list', namespace: '', outcome: 'ok', latencyMs: 2 }, 'ok');
    expect(checkReacquire(listed().became(18_015, 'n1').op(end, 'harness', 'end', null).ops, CONTEXT).valid).toBe(true);
    expect(checkReacquire(listed().became(43_000, 'n1').op(end, 'harness', 'end', null).ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 42_410 });
    // Never listed again: owed from 30 s after the restore.
    expect(checkReacquire(h().op(end, 'harness', 'end', null).ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 66_400 });
  });

  it('nothing is owed while the only candidate waits for a request the partition swallowed', () => {
    expect(checkReacquire(swallowed().became(130_000, 'n2').op(end, 'harness', 'end', null).ops, CONTEXT).valid).toBe(true);
    expect(checkReacquire(swallowed().became(131_000, 'n2').op(end, 'harness', 'end', null).ops, CONTEXT)).toMatchObject({ valid: false, failedAtMs: 130_400 });
  });
});
