import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabClock, labEpochNow, parseEpochMonoNs } from './lab-clock.ts';
import { decodePinnedMap, encodePinnedMap, PinnedMapReader, PinnedMapWriter } from './pinned-map.ts';

const clock = new LabClock(parseEpochMonoNs(labEpochNow().epochMonoNs));
const dirs: string[] = [];
const readers: PinnedMapReader[] = [];

function tempMapPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'l2lab-pinned-'));
  dirs.push(dir);
  return join(dir, 'node', 'n1', 'responder-map.json');
}

async function until(what: string, probe: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = clock.monotonicMs() + timeoutMs;
  // Bounded by the deadline.
  while (!probe()) {
    if (clock.monotonicMs() > deadline) throw new Error(`waiting for ${what}: not within ${timeoutMs} ms`);
    await clock.sleep(10);
  }
}

afterEach(() => {
  for (const reader of readers.splice(0)) reader.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('pinned responder map', () => {
  it('round-trips its file format', () => {
    const state = { livenessStampMs: 1234.5, entries: [{ ip: '198.18.0.240', interface: 'eth0' }, { ip: '198.18.0.241', interface: 'eth1' }] };
    expect(decodePinnedMap(encodePinnedMap(state), 'x')).toEqual(state);
    expect(decodePinnedMap(encodePinnedMap({ livenessStampMs: undefined, entries: [] }), 'x')).toEqual({ livenessStampMs: undefined, entries: [] });
    expect(() => decodePinnedMap('{"version":2}', '/run/m.json')).toThrow(/\/run\/m\.json: version/);
  });

  it('shows the reader every change the writer makes, and the writer’s last stamp', async () => {
    const path = tempMapPath();
    const writer = new PinnedMapWriter(path);
    const reader = new PinnedMapReader(path, { clock });
    readers.push(reader);
    reader.start();
    expect(reader.size).toBe(0);
    writer.insert({ ip: '198.18.0.240', interface: 'eth0' });
    writer.stampLiveness(42);
    await until('the insert and the stamp', () => reader.has('198.18.0.240', 'eth0') && reader.livenessStampMs === 42);
    expect(reader.hasIp('198.18.0.240')).toBe(true);
    expect(reader.has('198.18.0.240', 'eth1')).toBe(false);
    reader.countResponse('198.18.0.240', 'eth0');
    expect(reader.responsesSent('198.18.0.240', 'eth0')).toBe(1);
    writer.delete({ ip: '198.18.0.240', interface: 'eth0' });
    await until('the delete', () => reader.size === 0);
    expect(reader.responsesSent('198.18.0.240', 'eth0')).toBe(0);
    expect(() => reader.insert({ ip: '198.18.0.1', interface: 'eth0' })).toThrow(/read-only/);
  });

  it('keeps pinned entries for the next agent (no fresh insert, so no GARP) and empties the reader when the file goes', async () => {
    const path = tempMapPath();
    const first = new PinnedMapWriter(path);
    first.insert({ ip: '198.18.0.240', interface: 'eth0' });
    first.stampLiveness(7);
    const restarted = new PinnedMapWriter(path);
    expect(restarted.keys()).toEqual([{ ip: '198.18.0.240', interface: 'eth0' }]);
    expect(restarted.livenessStampMs).toBe(7);
    expect(restarted.insert({ ip: '198.18.0.240', interface: 'eth0' })).toBe(false);
    const reader = new PinnedMapReader(path, { clock });
    readers.push(reader);
    reader.start();
    expect(reader.size).toBe(1);
    rmSync(path);
    await until('the reader to notice the node’s map is gone', () => reader.size === 0 && reader.livenessStampMs === undefined);
  });

  it('leaves no temporary file and keeps the last good snapshot when the file is damaged', async () => {
    const path = tempMapPath();
    const writer = new PinnedMapWriter(path);
    writer.insert({ ip: '198.18.0.240', interface: 'eth0' });
    expect(readFileSync(path, 'utf8')).toContain('198.18.0.240');
    expect(existsSync(`${path}.tmp-${process.pid}`)).toBe(false);
    const errors: string[] = [];
    const reader = new PinnedMapReader(path, { clock, onError: (error) => errors.push(error.message) });
    readers.push(reader);
    reader.start();
    writeFileSync(path, '{"version":1,');
    await until('the damaged file to be reported', () => errors.length > 0);
    expect(reader.has('198.18.0.240', 'eth0')).toBe(true);
  });
});
