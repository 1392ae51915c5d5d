/**
 * Measurement helpers bound to a running control plane: an identity's kubeconfig as a client-node
 * `KubeConfig`, an `/metrics` scrape reduced to the lease series, and the audit-log cursor.
 * A phase is measured as: `before = await scrapeLeaseMetrics(…)`, `cursor = await auditCursor(…)`,
 * run the phase, then `diffLeaseMetrics(before, await scrapeLeaseMetrics(…))` and
 * `summarizeAudit((await cursor.readNew()).events)`.
 */
import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { apiGet, type ApiEndpoint } from './api-http.ts';
import { AuditLogCursor } from './audit-log.ts';
import { tokenOf } from './down.ts';
import { layoutFor } from './layout.ts';
import { leaseMetricsFromSamples, type LeaseMetricsSnapshot, type ResourceSelector, LEASES } from './lease-metrics.ts';
import { parsePrometheusText } from './prometheus-text.ts';
import type { RunRecord } from './run-record.ts';

/** A client-node configuration for one identity of the run (`admin`, `operator`, `node-<name>`, …). */
export function kubeConfigFor(record: RunRecord, identityId: string): KubeConfig {
  const path = record.paths.kubeconfigs[identityId];
  if (path === undefined) throw new Error(`loading kubeconfig for '${identityId}': no such identity in ${record.runDir} (have ${Object.keys(record.paths.kubeconfigs).join(', ')})`);
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** Raw HTTPS access as `username` (default: the metrics scraper). */
export async function endpointFor(record: RunRecord, username = 'l2lab-scraper'): Promise<ApiEndpoint> {
  const layout = layoutFor(record.runDir);
  const [caPem, tokens] = await Promise.all([readFile(layout.caCertPath, 'utf8'), readFile(layout.tokenFilePath, 'utf8')]);
  return { serverUrl: record.serverUrl, caPem, token: tokenOf(tokens, username) };
}

/**
 * Scrapes `/metrics` and keeps the series of `selector` (Leases by default).
 * @throws Error naming the URL and status when the scrape fails or is malformed.
 */
export async function scrapeLeaseMetrics(endpoint: ApiEndpoint, timeoutMs = 10_000, selector: ResourceSelector = LEASES): Promise<LeaseMetricsSnapshot> {
  const res = await apiGet(endpoint, '/metrics', timeoutMs);
  if (res.status !== 200) throw new Error(`scraping ${endpoint.serverUrl}/metrics: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  const { samples, problems } = parsePrometheusText(res.body);
  if (samples.length === 0) throw new Error(`scraping ${endpoint.serverUrl}/metrics: no samples (${problems.length} unreadable lines)`);
  return leaseMetricsFromSamples(samples, selector);
}

/** A cursor at the current end of the run's audit log. */
export function auditCursor(record: RunRecord): Promise<AuditLogCursor> {
  return AuditLogCursor.atEnd(record.paths.auditLog);
}
