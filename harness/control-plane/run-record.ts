/**
 * The run record, `control-plane.json` in the run directory: written before anything is started
 * and updated after each start, so that a crashed run leaves enough for `l2lab reap` (or `down`)
 * to find and remove its processes and files. Reading validates the shape (zod).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';

const processSchema = z.object({
  name: z.string(),
  pid: z.number().int().positive(),
  startTimeTicks: z.number().int().nonnegative(),
  argv: z.array(z.string()),
  logPath: z.string(),
});

const recordSchema = z.object({
  kind: z.literal('l2lab-control-plane'),
  version: z.literal(1),
  runId: z.string(),
  runDir: z.string(),
  createdAt: z.string(),
  /** starting: processes may be partly up; ready: /readyz passed and CRDs/RBAC installed. */
  state: z.enum(['starting', 'ready', 'failed']),
  netns: z.string().nullable(),
  address: z.string(),
  serverUrl: z.string(),
  ports: z.object({
    apiserverPort: z.number().int(),
    etcdClientPort: z.number().int(),
    etcdPeerPort: z.number().int(),
    etcdMetricsPort: z.number().int(),
  }),
  versions: z.object({ kubeVersion: z.string(), etcdVersion: z.string() }),
  processes: z.array(processSchema),
  paths: z.object({
    caCert: z.string(),
    auditLog: z.string(),
    etcdDataDir: z.string(),
    kubeconfigs: z.record(z.string(), z.string()),
  }),
  identities: z.array(z.object({ id: z.string(), role: z.string(), username: z.string() })),
});

/** The run record. */
export type RunRecord = z.infer<typeof recordSchema>;

/** A record that is missing or unreadable. */
export class RunRecordError extends Error {
  readonly code = 'run-record';
}

/** Writes the record atomically (temp file + rename), mode 0600. */
export async function writeRunRecord(path: string, record: RunRecord): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, path);
}

/**
 * Reads and validates a record.
 * @throws RunRecordError naming the path and the first invalid field.
 */
export async function readRunRecord(path: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RunRecordError(`reading control-plane record ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)} (is a control plane up with this --run-dir?)`, { cause: error });
  }
  return parseRunRecord(text, path);
}

/** Validates record text. Pure. @throws RunRecordError */
export function parseRunRecord(text: string, path = 'control-plane.json'): RunRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RunRecordError(`reading control-plane record ${path}: not JSON`, { cause: error });
  }
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RunRecordError(`reading control-plane record ${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
