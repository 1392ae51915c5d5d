/**
 * `l2lab lab-proc <role> --config <file.json>`: the entry of every lab role process (hidden from
 * `--help`: only the orchestrator starts them). Validates the config (a bad one is a UserError:
 * one message, exit 2), builds the runtime, starts the role, prints `ready`, serves until
 * SIGTERM/SIGINT, and exits.
 */
import { UserError } from '../../cli/user-error.ts';
import type { Profile } from '../../profiles/profile.ts';
import { getProfile } from '../../profiles/profiles.ts';
import { startAgentRole } from './agent-role.ts';
import { startDatapathRole } from './datapath-role.ts';
import { startEchoRole } from './echo-role.ts';
import { startOperatorRole } from './operator-role.ts';
import { startProberRole } from './prober-role.ts';
import { isRole, readRoleConfig, RoleConfigError, ROLE_SCHEMAS } from './role-config.ts';
import { roleRuntime, serveRole, type RoleRuntime, type RunningRole } from './role-runtime.ts';
import { startSpeakerRole } from './speaker-role.ts';

/** Runs one role process to its end; resolves with the exit code. @throws UserError for a bad role or config. */
export async function runLabProc(role: string, configPath: string): Promise<number> {
  if (!isRole(role)) throw new UserError(`lab-proc: unknown role '${role}': expected one of ${Object.keys(ROLE_SCHEMAS).join(', ')}`);
  try {
    switch (role) {
      case 'agent': {
        const config = readRoleConfig('agent', configPath);
        // A MetalLB profile's node process is its speaker (the same seam as the sim's).
        const profile = profileOf(config.profile);
        if (profile.implementation === 'metallb') return await serve(roleRuntime(role, config.node, config), (runtime) => startSpeakerRole(config, profile, runtime));
        return await serve(roleRuntime(role, config.node, config), (runtime) => startAgentRole(config, runtime));
      }
      case 'datapath': {
        const config = readRoleConfig('datapath', configPath);
        return await serve(roleRuntime(role, config.node, config), (runtime) => startDatapathRole(config, runtime));
      }
      case 'operator': {
        const config = readRoleConfig('operator', configPath);
        return await serve(roleRuntime(role, 'operator', config), (runtime) => startOperatorRole(config, runtime));
      }
      case 'echo': {
        const config = readRoleConfig('echo', configPath);
        return await serve(roleRuntime(role, config.node, config), (runtime) => startEchoRole(config, runtime));
      }
      case 'prober': {
        const config = readRoleConfig('prober', configPath);
        return await serve(roleRuntime(role, config.client, config), (runtime) => startProberRole(config, runtime));
      }
    }
  } catch (error) {
    if (error instanceof RoleConfigError) throw new UserError(error.message, error.details);
    throw error;
  }
}

/** Starts the role; a failing start is a UserError (the orchestrator shows the log line). */
async function serve(runtime: RoleRuntime, start: (runtime: RoleRuntime) => Promise<RunningRole> | RunningRole): Promise<number> {
  try {
    return await serveRole(runtime, () => start(runtime));
  } catch (error) {
    if (error instanceof UserError || error instanceof RoleConfigError) throw error;
    runtime.log.fatal({ err: error instanceof Error ? error.message : String(error) }, 'start failed');
    runtime.history.close();
    throw new UserError(`lab-proc: starting failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The profile of a role config. @throws RoleConfigError naming the unknown profile. */
function profileOf(name: string): Profile {
  try {
    return getProfile(name);
  } catch (error) {
    throw new RoleConfigError(`lab-proc agent: ${error instanceof Error ? error.message : String(error)}`);
  }
}
