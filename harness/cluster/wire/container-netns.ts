/**
 * A container's network namespace under a name (`ip netns attach <name> <pid>`), so the lab's
 * netns tools — `ip -n`, `ip netns exec … nft`, `tc -n`, `LabNet` — reach it as they reach a lab
 * namespace. The name is a bind mount of `/proc/<pid>/ns/net` in `/run/netns`: it keeps that
 * namespace alive after the container dies (a restarted container gets a new one, so attach again),
 * hence every attached name must be detached at the end of the run.
 */
import { ExecError, labExec, type LabExec } from '../../lab/net/lab-exec.ts';

/** Bound of one `ip netns` command. */
const IP_TIMEOUT_MS = 10_000;

const EXISTS = /File exists/;
const ABSENT = /No such file or directory/;

/**
 * Names the network namespace of the process `pid` (a container's init, `docker inspect
 * .State.Pid`) `name`. Idempotent: a name already attached to that very namespace is fine.
 * @param name e.g. `l2d-<run>-<node>`; `container` names the container in errors.
 * @throws Error naming the container, the pid and the name when the pid is gone or the name is
 *   attached to another namespace.
 */
export async function attachContainerNetns(name: string, pid: number, exec: LabExec = labExec, container: string = name): Promise<void> {
  const what = `attaching the network namespace of ${container} (pid ${pid}) as ${name}`;
  if (!(Number.isInteger(pid) && pid > 0)) throw new Error(`${what}: the container is not running (pid ${pid})`);
  try {
    await exec('ip', ['netns', 'attach', name, String(pid)], { timeoutMs: IP_TIMEOUT_MS });
    return;
  } catch (error) {
    const stderr = error instanceof ExecError ? error.stderr : '';
    if (!EXISTS.test(stderr)) throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // `ip netns identify <pid>` lists the names bound to the pid's namespace.
  const identified = await exec('ip', ['netns', 'identify', String(pid)], { timeoutMs: IP_TIMEOUT_MS }).then(
    (r) => r.stdout.split(/\s+/).filter((n) => n !== ''),
    (error: unknown) => {
      throw new Error(`${what}: the name exists; identifying the namespace of pid ${pid}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    },
  );
  if (!identified.includes(name)) throw new Error(`${what}: ${name} is already attached to another namespace (pid ${pid}'s has ${identified.join(', ') || 'no name'}); detach it first`);
}

/** Removes the name `name` (the namespace lives on while a process is in it). Idempotent. */
export async function detachNetns(name: string, exec: LabExec = labExec): Promise<void> {
  await exec('ip', ['netns', 'delete', name], { timeoutMs: IP_TIMEOUT_MS }).catch((error: unknown) => {
    const stderr = error instanceof ExecError ? error.stderr : '';
    if (!ABSENT.test(stderr)) throw new Error(`detaching netns ${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
}
