import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['analyze', ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const DIR = 'fixtures/captures';

describe('l2lab analyze', () => {
  it('prints the JSON schema with relative, epoch and UTC times to the µs', async () => {
    const { code, stdout, stderr } = await run(`${DIR}/takeover-ns-be.pcap`, '--format', 'json', '--vip', '198.18.0.0/24');
    expect([code, stderr]).toEqual([0, '']);
    const doc = JSON.parse(stdout);
    expect(doc.schema).toBe('l2lab.analyze/v1');
    expect(doc.capture).toMatchObject({ format: 'pcap', byteOrder: 'big', precision: 'ns', partial: false, linkTypes: [{ type: 1, name: 'Ethernet' }] });
    expect(doc.ips[0].macChanges[0]).toMatchObject({
      at: { relUs: 4_312_345, epochUs: 1_763_700_004_312_345, utc: '2025-11-21T04:40:04.312345Z' },
      gapUs: 2_312_185,
      via: 'garp-request',
    });
    expect(doc.timeline.map((e: { kind: string }) => e.kind)).toEqual(['first-owner', 'unanswered', 'unanswered', 'mac-change', 'garp', 'garp']);
  });

  it('--vip keeps only the IPs asked for', async () => {
    const { stdout } = await run(`${DIR}/takeover-us-le.pcap`, '--format', 'json', '--vip', '198.18.0.99,198.18.0.101');
    expect(JSON.parse(stdout).ips).toEqual([]);
  });

  it('a truncated capture: partial results, a warning naming the file and offset, exit 0', async () => {
    const { code, stdout, stderr } = await run(`${DIR}/takeover-truncated.pcap`);
    expect(code).toBe(0);
    expect(stdout).toContain('PARTIAL');
    expect(stderr).toMatch(/takeover-truncated\.pcap: the capture ends mid-record: 48 bytes left at offset 1196, the record header announces 58 bytes/);
  });

  it.each([
    [['no-such.pcap'], /reading capture no-such\.pcap: no such file/],
    [[`${DIR}/not-a-capture.pcap`], /not a capture: magic/],
    [[`${DIR}/unknown-linktype.pcap`], /nothing could be analysed/],
    [[`${DIR}/vlan.pcap`, '--vip', 'fd00::1'], /--vip "fd00::1": expected an IPv4 address or CIDR/],
    [[`${DIR}/vlan.pcap`, '--reply-timeout', 'soon'], /--reply-timeout: expected a duration/],
  ])('%s → exit 2 with a clear message, no stack', async (args, message) => {
    const { code, stdout, stderr } = await run(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('accepts sub-millisecond durations', async () => {
    const { stdout } = await run(`${DIR}/split-brain-le.pcapng`, '--format', 'json', '--split-window', '250000us', '--reply-timeout', '500ms');
    const doc = JSON.parse(stdout);
    expect(doc.options).toMatchObject({ splitWindowUs: 250_000, replyTimeoutUs: 500_000 });
    expect(doc.ips[0].splitBrain[0]).toMatchObject({ start: { relUs: 1_000_100 }, end: { relUs: 2_000_300 }, interleaved: true });
  });
});

describe('l2lab analyze interrupted', () => {
  it('Ctrl-C: prints what was read, flagged partial and interrupted, exit 5', async () => {
    const { runAnalyze } = await import('./analyze-cli.ts');
    let stdout = '';
    let stderr = '';
    const abort = new AbortController();
    abort.abort();
    const code = await runAnalyze(
      `${DIR}/takeover-us-le.pcap`,
      { vip: [], format: 'json', replyTimeout: '1s', splitWindow: '1s', maxListed: '1000', maxRows: '200' },
      { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), signal: abort.signal },
    );
    expect(code).toBe(5);
    expect(JSON.parse(stdout).capture).toMatchObject({ partial: true, interrupted: true });
    expect(stderr).toContain('partial results');
  });
});
