import { describe, expect, it } from 'vitest';
import { compileInterfacePattern, goMatcher } from './interface-pattern.ts';
import { anchoredForm, overMatchWarnings } from './interface-warnings.ts';
import { scanGoRegex } from './regex-scan.ts';

describe('compileInterfacePattern: Go MatchString semantics (spec §1.1, C14)', () => {
  it('is unanchored: eth0 matches veth0abc, eth0.100 and eth01', () => {
    const p = compileInterfacePattern('eth0');
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.anchored).toBe(false);
    expect(['eth0', 'veth0abc', 'eth0.100', 'eth01', 'eth1'].map(p.matches)).toEqual([true, true, true, true, false]);
  });

  it('recognises anchored patterns', () => {
    const cases: [string, boolean][] = [
      ['^eth0$', true],
      ['^(?:eth0|ens18)$', true],
      ['^eth[0-9]+', false],
      ['^eth0$|ens', false],
      ['^eth0\\$', false],
      ['^eth0\\\\$', true],
    ];
    for (const [pattern, anchored] of cases) {
      const p = compileInterfacePattern(pattern);
      expect(p.ok ? p.anchored : 'rejected', pattern).toBe(anchored);
    }
  });

  it('the docs pattern ^eth[0-9]+ selects eth0 and eth10 but not veth0abc', () => {
    const p = compileInterfacePattern('^eth[0-9]+');
    expect(p.ok && ['eth0', 'eth10', 'veth0abc', 'ens3'].map(p.matches)).toEqual([true, true, false, false]);
  });

  it('empty pattern matches everything (as in Go)', () => {
    const p = compileInterfacePattern('');
    expect(p.ok && p.matches('anything')).toBe(true);
  });

  it.each([
    ['(?=eth)eth0', 'lookaround'],
    ['eth(?!0)', 'lookaround'],
    ['(?<=e)th0', 'lookaround'],
    ['(e)\\1', 'octal-escape'], // a lone \1 is a backreference; RE2 rejects it
    ['\\k<x>', 'backreference'],
    ['\\C', 'go-invalid-escape'], // RE2 C++ accepts \C, Go does not
    ['\\u0065th0', 'go-invalid-escape'], // re2-wasm would translate \u; Go rejects it
    ['\\ceth', 'go-invalid-escape'],
    ['\\Z', 'go-invalid-escape'],
    ['\\8', 'go-invalid-escape'],
    ['eth[', undefined],
    ['eth0{1001}', undefined],
    ['a**', undefined],
  ])('RE2/Go rejects %s → io.cilium/bad-interface-regex', (pattern, construct) => {
    const p = compileInterfacePattern(pattern);
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.problem).toBe('go-rejects');
    if (construct !== undefined && construct !== 'octal-escape') {
      expect(p.constructs.map((c) => c.construct)).toContain(construct);
    }
    expect(goMatcher(p)).toBeUndefined();
  });

  it.each([
    ['eth0\\z', 'text-anchor', 'veth0', true],
    ['\\Aeth0', 'text-anchor', 'eth0', true],
    ['(?i)ETH0', 'inline-flags', 'eth0', true],
    ['(?i:ETH)0', 'inline-flags', 'eth0', true],
    ['(?U)eth.+', 'inline-flags', 'eth0', true],
    ['(?P<nic>eth)0', 'named-group', 'eth0', true],
    ['(?<nic>eth)0', 'named-group', 'eth0', true],
    ['^[[:alpha:]]+0$', 'posix-class', 'eth0', true],
    ['^\\pL+0$', 'unicode-class', 'eth0', true],
    ['^\\p{L}+0$', 'unicode-class', 'eth0', true],
    ['\\Qeth0.1\\E', 'quoted-literal', 'eth0.1', true],
    ['\\Qeth0.1\\E', 'quoted-literal', 'eth0x1', false],
    ['eth\\060', 'octal-escape', 'eth0', true],
    ['\\aeth', 'bell-escape', 'aeth', false],
    ['\\x{65}th0', 'hex-brace-escape', 'eth0', true],
    ['[]a]', 'class-leading-bracket', ']', true],
    ['[^]a]', 'class-leading-bracket', 'b', true],
  ])('Go accepts %s but JS differs (%s) → not portable, Go answer kept', (pattern, construct, probe, goAnswer) => {
    const p = compileInterfacePattern(pattern);
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.problem).toBe('not-portable');
    expect(p.constructs.map((c) => c.construct)).toContain(construct);
    expect(goMatcher(p)?.(probe)).toBe(goAnswer);
  });

  it.each([
    ['^eth0$'],
    ['^(eth|ens)[0-9]+$'],
    ['^en[ops][0-9a-z]+$'],
    ['\\beth0\\b'],
    ['^bond0\\.100$'],
    ['^br-[0-9a-f]{12}$'],
    ['^eth\\d+$'],
    ['^\\w+$'],
    ['^\\x65th0$'],
    ['^eth.$'],
    ['eth0$'],
    ['ens1[89]|eno1'],
    ['^[a-z-]+0?$'],
  ])('portable: %s compiles and agrees on the probe set', (pattern) => {
    expect(compileInterfacePattern(pattern)).toMatchObject({ ok: true });
  });

  it('$ is end-of-text in both dialects (unlike PCRE/Python, no match before a trailing newline)', () => {
    const p = compileInterfacePattern('eth0$');
    expect(p.ok && [p.matches('eth0'), p.matches('eth0\n'), p.matches('veth0')]).toEqual([true, false, true]);
  });

  it('never throws on odd input', () => {
    for (const s of ['\\', '(', ')', '[', '(?', '(?P', '[[:', '\\x{', '\\Q', '\u0000', '\uD800']) {
      expect(() => compileInterfacePattern(s)).not.toThrow();
    }
  });

  it('checks agreement on caller probes too', () => {
    // `.` in JS excludes \r and U+2028, Go only \n: outside the interface-name domain, but a probe
    // list containing such a string must expose the disagreement.
    const p = compileInterfacePattern('^a.b$', ['a\u2028b']);
    expect(p).toMatchObject({ ok: false, problem: 'not-portable' });
    expect(p.ok ? '' : p.reason).toMatch(/disagree/);
  });
});

describe('scanGoRegex', () => {
  it('ignores escaped brackets and punctuation', () => {
    expect(scanGoRegex('\\[\\]\\(\\?i\\)\\.').findings).toEqual([]);
  });
  it('finds top-level alternation only outside groups and classes', () => {
    expect(scanGoRegex('^(a|b)$').topLevelAlternation).toBe(false);
    expect(scanGoRegex('^[a|b]$').topLevelAlternation).toBe(false);
    expect(scanGoRegex('^a$|^b$').topLevelAlternation).toBe(true);
  });
});

describe('overMatchWarnings (C14)', () => {
  it('eth0 also matches veth0abc, eth0.100 and eth01; suggests ^eth0$', () => {
    const [w] = overMatchWarnings('eth0');
    expect(w?.code).toBe('unanchored-over-match');
    expect(w?.examples).toEqual(expect.arrayContaining(['eth01', 'eth0.100', 'veth0abc']));
    expect(w?.examples).not.toContain('eth0');
    expect(w?.suggestion).toBe('^eth0$');
    expect(w?.message).toContain('veth0abc');
  });

  it('ens20 matches ens200', () => {
    const [w] = overMatchWarnings('ens20');
    expect(w).toMatchObject({ code: 'unanchored-over-match', examples: ['ens200'], suggestion: '^ens20$' });
  });

  it("the docs' ^eth[0-9]+ also selects VLAN sub-interface eth0.100", () => {
    const [w] = overMatchWarnings('^eth[0-9]+');
    expect(w).toMatchObject({ code: 'unanchored-over-match', examples: ['eth0.100'], suggestion: '^eth[0-9]+$' });
  });

  it('names the node’s own interfaces first', () => {
    const [w] = overMatchWarnings('eth0', ['eth0', 'eth0.42']);
    expect(w?.examples[0]).toBe('eth0.42');
  });

  it('anchored patterns without virtual matches give no warning', () => {
    expect(overMatchWarnings('^eth0$')).toEqual([]);
    expect(overMatchWarnings('^(eth|ens)[0-9]+$')).toEqual([]);
  });

  it('wraps top-level alternations when anchoring', () => {
    expect(anchoredForm('eth0|ens18')).toBe('^(?:eth0|ens18)$');
    expect(anchoredForm('^eth0$')).toBe('^eth0$');
    expect(overMatchWarnings('eth0|ens18')[0]?.suggestion).toBe('^(?:eth0|ens18)$');
  });

  it('.* and the empty pattern match everything, tunnels included', () => {
    for (const p of ['.*', '', '.?']) {
      const ws = overMatchWarnings(p, ['eno1', 'siderolink']);
      expect(ws).toHaveLength(1);
      expect(ws[0]).toMatchObject({ code: 'matches-everything' });
      expect(ws[0]?.examples.slice(0, 2)).toEqual(['eno1', 'siderolink']);
    }
  });

  it('an anchored pattern that deliberately includes tunnels is flagged', () => {
    const ws = overMatchWarnings('^(eth|wg)[0-9]+$');
    expect(ws).toEqual([expect.objectContaining({ code: 'matches-virtual-interface', examples: ['wg0'] })]);
  });

  it('^enp.* on a node with eno*/eth* interfaces matches nothing (C14, davealtena/homelab#1078)', () => {
    const ws = overMatchWarnings('^enp.*', ['eno1', 'eth0']);
    expect(ws.map((w) => w.code)).toContain('matches-no-known-interface');
  });

  it('gives no warnings for patterns Go rejects (the compile error covers them)', () => {
    expect(overMatchWarnings('(?=x)')).toEqual([]);
  });
});
