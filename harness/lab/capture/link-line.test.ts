import { describe, expect, it } from 'vitest';
import { parseLinkLine, parseLinkShowJson, planLinkTransition } from './link-line.ts';

describe('parseLinkLine', () => {
  it('reads a cable pulled on the peer (NO-CARRIER while UP) as down', () => {
    expect(parseLinkLine('3: eth0@if12: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default \\    link/ether a2:db:47:96:14:35 brd ff:ff:ff:ff:ff:ff')).toEqual({ kind: 'link', iface: 'eth0', deleted: false, up: false });
  });

  it('reads UP,LOWER_UP as up, and an administratively down link as down', () => {
    expect(parseLinkLine('3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP')).toMatchObject({ iface: 'eth1', up: true });
    expect(parseLinkLine('2: vb@va: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN')).toMatchObject({ iface: 'vb', up: false });
  });

  it('a transitional line with both NO-CARRIER and LOWER_UP is not up', () => {
    expect(parseLinkLine('2: vb@va: <NO-CARRIER,BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state LOWERLAYERDOWN')).toMatchObject({ up: false });
  });

  it('a deleted interface is down', () => {
    expect(parseLinkLine('Deleted 3: eth0@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500')).toEqual({ kind: 'link', iface: 'eth0', deleted: true, up: false });
  });

  it('ignores blank lines and reports others as unparsed', () => {
    expect(parseLinkLine('  ')).toEqual({ kind: 'ignored' });
    expect(parseLinkLine('garbage here').kind).toBe('unparsed');
  });
});

describe('parseLinkShowJson', () => {
  it('maps each interface to up/down', () => {
    const text = JSON.stringify([
      { ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'] },
      { ifname: 'eth0', flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'] },
    ]);
    expect([...parseLinkShowJson(text)]).toEqual([['lo', true], ['eth0', false]]);
  });

  it('throws on something else', () => {
    expect(() => parseLinkShowJson('{}')).toThrow(/expected a JSON array/);
    expect(() => parseLinkShowJson('[{"ifname":"x"}]')).toThrow(/without ifname\/flags/);
  });
});

describe('planLinkTransition', () => {
  it('reports changes only, and a first sighting only when down', () => {
    expect(planLinkTransition(undefined, true)).toBeUndefined();
    expect(planLinkTransition(undefined, false)).toBe('down');
    expect(planLinkTransition(true, false)).toBe('down');
    expect(planLinkTransition(false, true)).toBe('up');
    expect(planLinkTransition(false, false)).toBeUndefined();
    expect(planLinkTransition(true, true)).toBeUndefined();
  });
});
