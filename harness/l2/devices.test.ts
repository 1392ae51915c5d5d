import { describe, expect, it } from 'vitest';
import { deviceMatches, selectedDevices } from './devices.ts';

describe('Cilium device selection (Helm devices, spec §1.1)', () => {
  it('matches exact names and + prefix wildcards', () => {
    expect(deviceMatches('eth0', 'eth0')).toBe(true);
    expect(deviceMatches('eth0', 'eth01')).toBe(false);
    expect(deviceMatches('eth+', 'eth1')).toBe(true);
    expect(deviceMatches('eth+', 'veth1')).toBe(false);
  });

  it('filters a node’s interfaces by the devices value', () => {
    expect(selectedDevices(['eth0', 'eth1', 'wg0'], ['eth+'])).toEqual(['eth0', 'eth1']);
    expect(selectedDevices(['eth0', 'eth1'], undefined)).toEqual(['eth0', 'eth1']);
  });

  it('uses plain device names when the node’s interfaces are unknown, and gives up on wildcards', () => {
    expect(selectedDevices(undefined, ['ens18', 'ens19'])).toEqual(['ens18', 'ens19']);
    expect(selectedDevices(undefined, ['ens+'])).toBeUndefined();
    expect(selectedDevices(undefined, undefined)).toBeUndefined();
  });
});
