/**
 * `l2lab cluster-proc node|operator|<role,role…>` (hidden): the responder image's entrypoint. It reads the
 * container's environment, the ServiceAccount token and CA (or `L2LAB_TOKEN_FILE` /
 * `L2LAB_CA_FILE`) and the node's interfaces, plans the lab role configs (`in-cluster-plan.ts`),
 * writes them under the state directory and runs the lab's own role processes — datapath then
 * agent on a node, the operator alone — as children. A child that exits takes the container down
 * with its code (the kubelet or the orchestrator restarts it); SIGTERM is forwarded and the
 * children are awaited for at most their own stop bound.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../cli/user-error.ts';
import { SystemClock } from '../../core/system-clock.ts';
import { labEpochNow } from '../../lab/lab-clock.ts';
import { STOP_TIMEOUT_MS } from '../../lab/proc/role-runtime.ts';
import { DEFAULT_STATE_DIR, InClusterConfigError, needsApi, parseRoleList, planRole, SERVICE_ACCOUNT_DIR, type InClusterFacts } from './in-cluster-plan.ts';

const L2LAB_ENTRY = fileURLToPath(new URL('../../../bin/l2lab.mjs', import.meta.url));

/** Runs the container's roles until they end; resolves with the exit code. @throws UserError for a bad environment. */
export async function runClusterProc(kind: string): Promise<number> {
  let configs: { role: string; config: unknown }[];
  try {
    const roles = parseRoleList(kind);
    const facts = readFacts(process.env, roles.some(needsApi));
    configs = roles.map((role) => ({ role, config: planRole(role, facts) }));
  } catch (error) {
    if (error instanceof InClusterConfigError) throw new UserError(`cluster-proc ${kind}: ${error.message}`);
    throw error;
  }
  const dir = join(process.env.L2LAB_STATE_DIR ?? DEFAULT_STATE_DIR, 'config');
  mkdirSync(dir, { recursive: true });
  const children: ChildProcess[] = [];
  const ended = new Promise<number>((resolve) => {
    for (const { role, config } of configs) {
      const path = join(dir, `${role}.json`);
      writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
      const child = spawn(process.execPath, ['--max-semi-space-size=4', L2LAB_ENTRY, 'lab-proc', role, '--config', path], { stdio: ['ignore', 'inherit', 'inherit'] });
      child.once('exit', (code, signal) => {
        process.stderr.write(`cluster-proc: ${role} exited (${code ?? signal ?? 'unknown'})\n`);
        resolve(code === 0 ? 0 : 1);
      });
      children.push(child);
    }
  });
  const stopping = new Promise<number>((resolve) => {
    const stop = (): void => {
      for (const child of children) child.kill('SIGTERM');
      resolve(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  const code = await Promise.race([ended, stopping]);
  // One child gone (or a stop asked): the others go too, bounded by the roles' own stop limit.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const clock = new SystemClock();
  const allGone = Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  await Promise.race([allGone, clock.sleep(STOP_TIMEOUT_MS + 1_000)]);
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  return code;
}

/** Reads what the planner needs: environment, token, CA path, interfaces from /sys/class/net. */
function readFacts(env: NodeJS.ProcessEnv, withToken: boolean): InClusterFacts {
  const tokenFile = env.L2LAB_TOKEN_FILE ?? join(SERVICE_ACCOUNT_DIR, 'token');
  let token: string | undefined;
  try {
    if (withToken) token = readFileSync(tokenFile, 'utf8');
  } catch (error) {
    throw new InClusterConfigError(`reading the API token ${tokenFile}: ${error instanceof Error ? error.message : String(error)} (no ServiceAccount mounted and no L2LAB_TOKEN_FILE)`);
  }
  return { env, interfaces: readInterfaces(), token, caPath: env.L2LAB_CA_FILE ?? join(SERVICE_ACCOUNT_DIR, 'ca.crt'), nowEpochMonoNs: labEpochNow().epochMonoNs };
}

/** Interface name → MAC of every non-loopback interface with an Ethernet address. */
function readInterfaces(): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync('/sys/class/net').sort()) {
    if (name === 'lo') continue;
    try {
      const mac = readFileSync(`/sys/class/net/${name}/address`, 'utf8').trim();
      if (/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac) && mac !== '00:00:00:00:00:00') out.set(name, mac);
    } catch {
      // An interface that vanished between the listing and the read is not a device.
    }
  }
  return out;
}
