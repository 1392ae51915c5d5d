/** Readiness of `ip monitor neigh`: its subscription read from a recorded /proc/<pid>/net/netlink. */
import { describe, expect, it } from 'vitest';
import { netlinkNeighSubscribers } from './neigh-monitor.ts';

describe('netlinkNeighSubscribers', () => {
  it('finds NETLINK_ROUTE sockets with the RTNLGRP_NEIGH bit and nothing else', () => {
    const table = [
      'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode',
      '0000000049151b39 0   16355      00000004 0        0        0     2        0        819790  ',
      '00000000c1beddcb 0   4007682018 00000000 0        0        0     2        0        819791  ',
      '00000000aaaaaaaa 0   17000      00000555 0        0        0     2        0        819800  ',
      '00000000bbbbbbbb 0   17001      00000551 0        0        0     2        0        819801  ',
      '00000000cb754f22 4   0          00000004 0        0        0     2        0        790808  ',
      '',
    ].join('\n');
    expect(netlinkNeighSubscribers(table)).toEqual(['819790', '819800']);
    expect(netlinkNeighSubscribers('')).toEqual([]);
  });
});
