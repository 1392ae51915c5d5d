import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from './addresses.ts';
import { classifyArp, isLinuxGarp } from './arp.ts';
import { decodeArpFrame, encodeArpFrame, type ArpFrame } from './arp-frame.ts';

/** One annotated frame of `fixtures/frames/` (mdlayher/arp-style seeds, byte groups with notes). */
interface FrameFixture {
  readonly description: string;
  readonly annotated: readonly (readonly [string, string])[];
  readonly padded?: boolean;
  readonly expected: { readonly ok: true; readonly value: ArpFrame; readonly kind: string; readonly linuxGarp: boolean } | { readonly ok: false; readonly reason: string };
}

const dir = new URL('../../fixtures/frames/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => [name, JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as FrameFixture] as const);

function bytesOf(fixture: FrameFixture): Uint8Array {
  const bytes = fromHex(fixture.annotated.map(([hex]) => hex).join(' '));
  if (bytes === undefined) throw new Error(`fixture hex is not hex: ${fixture.description}`);
  return bytes;
}

describe('fixtures/frames: annotated frames decode as annotated', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  for (const [name, fixture] of fixtures) {
    it(name, () => {
      const bytes = bytesOf(fixture);
      const result = decodeArpFrame(bytes);
      if (!fixture.expected.ok) {
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.reason).toBe(fixture.expected.reason);
        return;
      }
      expect(result).toEqual({ ok: true, value: fixture.expected.value });
      if (!result.ok) return;
      expect(classifyArp(result.value.arp)).toBe(fixture.expected.kind);
      expect(isLinuxGarp(result.value.arp)).toBe(fixture.expected.linuxGarp);
      // Re-encoding gives the wire bytes back (padding included unless the fixture is unpadded).
      expect(encodeArpFrame(result.value, { padToMinimum: fixture.padded !== false })).toEqual(bytes);
    });
  }
});
