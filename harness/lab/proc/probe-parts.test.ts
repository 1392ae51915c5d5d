import { describe, expect, it } from 'vitest';
import { decodeEcho, decodeProbe, encodeEcho, encodeProbe } from './probe-wire.ts';
import { resolvedNeighbours } from './proc-net-arp.ts';
import { parseVipFile, probeTargets } from './vip-list.ts';

describe('probe payloads', () => {
  it('round-trip and ignore stray datagrams', () => {
    expect(decodeProbe(encodeProbe({ seq: 7, client: 'c1', vip: '198.18.0.240' }))).toEqual({ seq: 7, client: 'c1', vip: '198.18.0.240' });
    expect(decodeEcho(encodeEcho({ seq: 7, node: 'n2' }))).toEqual({ seq: 7, node: 'n2' });
    expect(decodeProbe(Buffer.from('hello'))).toBeUndefined();
    expect(decodeEcho(Buffer.from('{"seq":"7","node":"n2"}'))).toBeUndefined();
  });
});

describe('VIP list', () => {
  it('probes each VIP of the client’s services once, on the first service’s port, sorted', () => {
    const vips = parseVipFile('{"default/a":["198.18.0.241","198.18.0.240"],"default/b":["198.18.0.240"],"other/c":["198.18.0.9"]}', '/v.json');
    expect(probeTargets([{ service: 'default/b', port: 53 }, { service: 'default/a', port: 7 }], vips)).toEqual([{ vip: '198.18.0.240', port: 53 }, { vip: '198.18.0.241', port: 7 }]);
    expect(() => parseVipFile('{"default/a":[1]}', '/v.json')).toThrow(/\/v\.json: default\/a/);
  });
});

describe('/proc/net/arp', () => {
  it('reports only complete entries as resolved', () => {
    const text = [
      'IP address       HW type     Flags       HW address            Mask     Device',
      '198.18.0.240     0x1         0x2         02:00:00:00:01:01     *        eth0',
      '198.18.0.241     0x1         0x0         00:00:00:00:00:00     *        eth0',
      '198.18.0.242     0x1         0x6         02:00:00:00:01:02     *        eth0',
      '',
    ].join('\n');
    expect([...resolvedNeighbours(text)]).toEqual(['198.18.0.240', '198.18.0.242']);
  });
});
