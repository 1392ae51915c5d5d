/**
 * Warnings for interface patterns that select more (or less) than their author probably meant
 * (C14). Go's `MatchString` is unanchored, so `eth0` also selects `veth0abc`, `eth0.100` and
 * `eth01`, and `ens20` selects `ens200`. The warnings name concrete example interfaces from the
 * built-in catalog and from the node's known interfaces, and suggest the anchored form.
 */
import { INTERFACE_CATALOG } from './interface-catalog.ts';
import { compileInterfacePattern, goMatcher } from './interface-pattern.ts';
import { scanGoRegex } from './regex-scan.ts';

/** Stable warning codes for `check`'s JSON output. */
export type InterfaceWarningCode =
  | 'matches-everything'
  | 'unanchored-over-match'
  | 'matches-virtual-interface'
  | 'matches-no-known-interface';

/** One warning about one pattern. */
export interface InterfacePatternWarning {
  readonly code: InterfaceWarningCode;
  readonly pattern: string;
  /** Example interface names that trigger the warning (known interfaces first, at most 6). */
  readonly examples: readonly string[];
  /** A pattern that avoids the problem, when there is an obvious one. */
  readonly suggestion?: string;
  readonly message: string;
}

const MAX_EXAMPLES = 6;

/** `^p$`, or `^(?:p)$` when `p` has a top-level `|`; existing anchors are not doubled. */
export function anchoredForm(pattern: string): string {
  const body = pattern.replace(/^\^/, '').replace(/(^|[^\\])((?:\\\\)*)\$$/, '$1$2');
  return scanGoRegex(body).topLevelAlternation ? `^(?:${body})$` : `^${body}$`;
}

function uniq(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/**
 * Over- and under-match warnings for one `interfaces` entry, against the built-in catalog and
 * (when given) the node's known interface names. Patterns Go rejects give no warnings here (their
 * error comes from {@link compileInterfacePattern}); non-portable ones are judged by Go semantics.
 */
export function overMatchWarnings(pattern: string, knownInterfaces: readonly string[] = []): InterfacePatternWarning[] {
  const matches = goMatcher(compileInterfacePattern(pattern));
  if (matches === undefined) return [];
  const catalog = INTERFACE_CATALOG.map((c) => c.name);
  const universe = uniq([...knownInterfaces, ...catalog]);
  const matched = universe.filter(matches);
  const warnings: InterfacePatternWarning[] = [];

  if (matched.length === universe.length) {
    return [
      {
        code: 'matches-everything',
        pattern,
        examples: uniq([...knownInterfaces, 'wg0', 'tailscale0', 'cilium_host', 'lxc12ab34cd']).slice(0, MAX_EXAMPLES),
        message: `'${pattern}' matches every interface name, the same as omitting interfaces: every Cilium device (tunnels included) will answer`,
      },
    ];
  }

  const anchored = anchoredForm(pattern);
  const anchoredMatches = goMatcher(compileInterfacePattern(anchored));
  const extra = anchoredMatches === undefined ? [] : matched.filter((n) => !anchoredMatches(n));
  if (extra.length > 0) {
    warnings.push({
      code: 'unanchored-over-match',
      pattern,
      examples: extra.slice(0, MAX_EXAMPLES),
      suggestion: anchored,
      message: `'${pattern}' is unanchored (Go MatchString), so it also matches ${extra.slice(0, MAX_EXAMPLES).join(', ')}; use '${anchored}' if you mean the whole name`,
    });
  }

  const virtual = new Set(INTERFACE_CATALOG.filter((c) => c.kind === 'virtual').map((c) => c.name));
  const intendedVirtual = matched.filter((n) => virtual.has(n) && !extra.includes(n));
  if (intendedVirtual.length > 0) {
    warnings.push({
      code: 'matches-virtual-interface',
      pattern,
      examples: intendedVirtual.slice(0, MAX_EXAMPLES),
      message: `'${pattern}' matches virtual interfaces (${intendedVirtual.slice(0, MAX_EXAMPLES).join(', ')}); if Cilium selects such a device, VIPs are answered on tunnels or veths (C14)`,
    });
  }

  if (knownInterfaces.length > 0 && !knownInterfaces.some(matches)) {
    warnings.push({
      code: 'matches-no-known-interface',
      pattern,
      examples: knownInterfaces.slice(0, MAX_EXAMPLES),
      message: `'${pattern}' matches none of the node's interfaces (${knownInterfaces.slice(0, MAX_EXAMPLES).join(', ')}): the node can win the lease and answer nothing (C14)`,
    });
  }
  return warnings;
}
