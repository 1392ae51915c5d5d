/**
 * Why this test? The gossip model decides when a MetalLB speaker stops seeing another — the whole
 * failover delay and the split brain of a gossip cut. These cases pin suspicion, refutation, the
 * dead state, joins and rejoins against memberlist's documented behaviour.
 */
import { describe, expect, it } from 'vitest';
import { MEMBERLIST_LAN } from '../../profiles/metallb-switches.ts';
import { GossipHub, MemberView, type MemberEvent } from './gossip.ts';

/** A hub over `nodes` whose reachability the test sets: `cut` holds unordered pairs that cannot talk. */
function cluster(nodes: readonly string[]) {
  const cut = new Set<string>();
  const down = new Set<string>();
  const events: (MemberEvent & { node: string })[] = [];
  const hub = new GossipHub({ canReach: (a, b) => !down.has(a) && !down.has(b) && !cut.has([a, b].sort().join('|')) });
  const views = new Map(nodes.map((node) => [node, new MemberView(node, MEMBERLIST_LAN, (e) => events.push({ ...e, node }))]));
  for (const view of views.values()) hub.join(view);
  const view = (node: string): MemberView => {
    const v = views.get(node);
    if (v === undefined) throw new Error(`no view ${node}`);
    return v;
  };
  return { hub, view, cut, down, events };
}

describe('MemberView + GossipHub', () => {
  it('speakers starting one after another all end up seeing every other', () => {
    const { view } = cluster(['n1', 'n2', 'n3']);
    for (const node of ['n1', 'n2', 'n3']) expect([...view(node).alive()].sort()).toEqual(['n1', 'n2', 'n3']);
  });

  it('a failed probe round makes the target suspect, still a member, and dead after the 4 s suspicion timeout', () => {
    const { hub, view, down } = cluster(['n1', 'n2', 'n3']);
    down.add('n3');
    expect(hub.probe('n1', 'n3')).toBe(false);
    expect(view('n1').suspect('n3', 10_000, 'n1')).toBe(true);
    hub.spreadSuspicion('n1', 'n3', 10_000, MEMBERLIST_LAN.gossipIntervalMs);
    expect(view('n1').alive().has('n3')).toBe(true);
    expect(view('n2').isSuspect('n3')).toBe(true);
    expect(view('n1').expired(13_999)).toEqual([]);
    expect(view('n1').expired(14_000)).toEqual(['n3']);
    // n2 heard of it one gossip interval later: its own timer runs from then.
    expect(view('n2').expired(14_000)).toEqual([]);
    expect(view('n2').expired(14_200)).toEqual(['n3']);
  });

  it('an indirect path saves the probe: n1 cut from n3 alone still reaches it through n2', () => {
    const { hub, cut } = cluster(['n1', 'n2', 'n3']);
    cut.add('n1|n3');
    expect(hub.probe('n1', 'n3')).toBe(true);
    cut.add('n2|n3');
    expect(hub.probe('n1', 'n3')).toBe(false);
  });

  it('dead members come back only by a join: a cut healed after both sides declared each other dead stays split until rejoin', () => {
    const { hub, view, cut, events } = cluster(['n1', 'n2']);
    cut.add('n1|n2');
    view('n1').markDead('n2');
    view('n2').markDead('n1');
    cut.clear();
    expect(view('n1').alive().has('n2')).toBe(false);
    hub.rejoin('n1');
    expect(view('n1').alive().has('n2')).toBe(true);
    expect(view('n2').alive().has('n1')).toBe(true);
    expect(events.filter((e) => e.kind === 'join').map((e) => `${e.node}<-${e.member}`)).toEqual(['n1<-n2', 'n2<-n1', 'n1<-n2', 'n2<-n1']);
  });

  it('a graceful leave drops the member at once; a crash leaves it to the probes', () => {
    const { hub, view } = cluster(['n1', 'n2', 'n3']);
    hub.remove('n3', true);
    expect(view('n1').alive().has('n3')).toBe(false);
    hub.remove('n2', false);
    expect(view('n1').alive().has('n2')).toBe(true);
  });
});
