/**
 * The reader against captures written independently of l2lab (fixtures/captures/make-captures.py:
 * scapy frames in pcap/pcapng containers packed by hand), compared to the generator's ground truth.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IpAnalysis } from './analysis-types.ts';
import { CaptureOpenError, readCapture } from './read-capture.ts';

const DIR = 'fixtures/captures';
interface Truth {
  t0Us: number;
  takeover: {
    ip: string;
    owners: { mac: string; fromUs: number; lastClaimUs: number; claims: number }[];
    macChanges: { atUs: number; fromMac: string; toMac: string; via: string; oldLastClaimUs: number; gapUs: number }[];
    garps: { atUs: number; mac: string; form: string; targetMac: string }[];
    unanswered: { atUs: number; requesterMac: string; requesterIp: string }[];
  };
  takeoverTruncated: { owners: Truth['takeover']['owners'] };
  splitBrain: { ip: string; windows: Record<string, { startUs: number; endUs: number; durationUs: number; macs: { mac: string; claims: number }[]; interleaved: boolean }[]>; macChanges: number; unanswered: number };
  vlan: { ip: string; vlans: number[]; owner: string; claims: number }[];
  corruptBlock: { offset: number; packetsBefore: number };
  simplePacketBlock: { garp: Truth['takeover']['garps'][number]; ownerBClaims: number };
}
const truth = JSON.parse(readFileSync(join(DIR, 'ground-truth.json'), 'utf8')) as Truth;
const T0 = truth.t0Us;

/** The findings of one IP with times relative to the ground truth's t0. */
function relative(ip: IpAnalysis | undefined) {
  if (ip === undefined) throw new Error('IP missing from the analysis');
  return {
    owners: ip.owners.map((o) => ({ mac: o.mac, fromUs: o.fromUs - T0, lastClaimUs: o.lastClaimUs - T0, claims: o.claims })),
    macChanges: ip.macChanges.map((c) => ({ atUs: c.atUs - T0, fromMac: c.fromMac, toMac: c.toMac, via: c.via, oldLastClaimUs: c.oldLastClaimUs - T0, gapUs: c.gapUs })),
    garps: ip.garps.map((g) => ({ atUs: g.atUs - T0, mac: g.mac, form: g.form, targetMac: g.targetMac })),
    unanswered: ip.unanswered.map((u) => ({ atUs: u.atUs - T0, requesterMac: u.requesterMac, requesterIp: u.requesterIp })),
    splitBrain: ip.splitBrain.map((w) => ({ ...w, startUs: w.startUs - T0, endUs: w.endUs - T0 })),
  };
}

describe('readCapture on independent ground-truth captures', () => {
  const expected = { owners: truth.takeover.owners, macChanges: truth.takeover.macChanges, garps: truth.takeover.garps, unanswered: truth.takeover.unanswered, splitBrain: [] };

  it.each([
    ['takeover-us-le.pcap', 'pcap', 'little', 1],
    ['takeover-ns-be.pcap', 'pcap', 'big', 1],
    ['takeover-sll.pcap', 'pcap', 'little', 113],
    ['takeover-sll2.pcap', 'pcap', 'little', 276],
  ])('%s (%s, %s-endian, link type %d): the takeover to the µs', async (file, format, byteOrder, linkType) => {
    const { capture, analysis } = await readCapture(join(DIR, file));
    expect(capture).toMatchObject({ format: { format, byteOrder }, linkTypes: [linkType], partial: false, problems: [] });
    expect(analysis.ips.map((ip) => ip.ip)).toEqual([truth.takeover.ip]);
    expect(relative(analysis.ips[0])).toEqual(expected);
    if (linkType === 276) expect(analysis.ips[0]?.ifIndexes).toEqual([7]);
  });

  it('floors ns timestamps to the µs and skips the non-ARP frame', async () => {
    const { capture } = await readCapture(join(DIR, 'takeover-ns-be.pcap'));
    expect(capture.format?.precision).toBe('ns');
    expect(capture.firstPacketUs).toBe(T0);
    expect(capture.skipped['not-arp']).toBe(1);
  });

  it.each(['split-brain-le.pcapng', 'split-brain-be.pcapng'])('%s (two interfaces, µs and ns resolution): the split-brain window per split window', async (file) => {
    for (const [windowUs, windows] of Object.entries(truth.splitBrain.windows)) {
      const { capture, analysis } = await readCapture(join(DIR, file), { analysis: { splitWindowUs: Number(windowUs) } });
      expect(capture.interfaces.map((i) => i.unitsPerSecond)).toEqual([1e6, 1e9]);
      expect(capture.partial).toBe(false);
      const ip = analysis.ips[0];
      expect(relative(ip).splitBrain).toEqual(windows);
      expect(ip?.counts.macChanges).toBe(truth.splitBrain.macChanges);
      expect(ip?.counts.unanswered).toBe(truth.splitBrain.unanswered);
      expect(ip?.ifIndexes).toEqual([0, 1]);
    }
  });

  it('obsolete packet blocks, and a simple packet block that takes the previous packet\'s time', async () => {
    const { capture, analysis } = await readCapture(join(DIR, 'takeover-pb-spb.pcapng'));
    expect(capture.partial).toBe(false);
    expect(capture.problems.map((p) => p.message)).toEqual([expect.stringMatching(/simple packet blocks carry no timestamp \(first at offset \d+\)/)]);
    const [ownerA, ownerB] = truth.takeover.owners;
    expect(relative(analysis.ips[0])).toEqual({ ...expected, owners: [ownerA, { ...ownerB, claims: truth.simplePacketBlock.ownerBClaims }], garps: [...truth.takeover.garps, truth.simplePacketBlock.garp] });
  });

  it('802.1Q and QinQ: one domain per VLAN path', async () => {
    const { analysis } = await readCapture(join(DIR, 'vlan.pcap'));
    const found = analysis.ips.map((ip) => ({ ip: ip.ip, vlans: ip.vlans, owner: ip.owners[0]?.mac, claims: ip.owners[0]?.claims, splitBrain: ip.splitBrain.length }));
    expect(found).toEqual(
      [...truth.vlan].sort((a, b) => (a.vlans[0] ?? 0) - (b.vlans[0] ?? 0)).map((v) => ({ ...v, splitBrain: 0 })),
    );
  });

  it.each(['takeover-truncated.pcap', 'takeover-truncated.pcapng'])('%s: cut mid-record → the results so far, flagged partial, the offset named', async (file) => {
    const { capture, analysis } = await readCapture(join(DIR, file));
    expect(capture.partial).toBe(true);
    const fatal = capture.problems.find((p) => p.fatal);
    expect(fatal?.message).toMatch(/ends mid-record: \d+ bytes left at offset \d+/);
    expect(fatal?.offset).toBe(capture.bytesRead);
    expect(relative(analysis.ips[0]).owners).toEqual(truth.takeoverTruncated.owners);
  });

  it('a corrupt block length: stops there, names the offset, keeps what came before', async () => {
    const { capture } = await readCapture(join(DIR, 'corrupt-block.pcapng'));
    expect(capture.partial).toBe(true);
    expect(capture.packets).toBe(truth.corruptBlock.packetsBefore);
    expect(capture.problems.at(-1)).toMatchObject({ fatal: true, offset: truth.corruptBlock.offset });
    expect(capture.problems.at(-1)?.message).toContain(`offset ${truth.corruptBlock.offset}: block length 7`);
  });

  it('a snaplen cutting the ARP body: frames skipped and counted, flagged partial', async () => {
    const { capture, analysis } = await readCapture(join(DIR, 'snaplen-cut.pcap'));
    expect(capture.skipped['arp-cut']).toBe(20);
    expect(capture.partial).toBe(true);
    expect(capture.problems[0]?.message).toMatch(/frame 2 at offset \d+: captured 34 of 42 bytes .*snaplen/);
    expect(analysis.ips).toEqual([]);
  });

  it('an unknown link type is reported, not guessed', async () => {
    const { capture } = await readCapture(join(DIR, 'unknown-linktype.pcap'));
    expect(capture.skipped['unknown-link-type']).toBe(capture.packets);
    expect(capture.problems[0]?.message).toContain('link type 105');
  });

  it('refuses a missing file and a file that is not a capture, naming them', async () => {
    await expect(readCapture(join(DIR, 'no-such.pcap'))).rejects.toThrow(new CaptureOpenError(`reading capture ${join(DIR, 'no-such.pcap')}: no such file`));
    await expect(readCapture(join(DIR, 'not-a-capture.pcap'))).rejects.toThrow(/not-a-capture\.pcap: not a capture: magic 0x74686973/);
  });

  it('reads a gzip-compressed capture like the plain one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l2lab-analyze-'));
    const gz = join(dir, 'split-brain-be.pcapng.gz');
    writeFileSync(gz, gzipSync(readFileSync(join(DIR, 'split-brain-be.pcapng'))));
    const plain = await readCapture(join(DIR, 'split-brain-be.pcapng'));
    const zipped = await readCapture(gz);
    expect(zipped.capture.gzip).toBe(true);
    expect(zipped.analysis).toEqual(plain.analysis);
  });
});
