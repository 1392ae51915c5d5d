/**
 * What `l2lab bench … --world lab` needs before its first run: root (network namespaces) and the
 * built control plane. Checked once, up front, so a missing piece is one clear exit 2 and not a
 * failed run per sweep point.
 */
import { UserError } from '../cli/user-error.ts';
import { locateBinaries } from '../control-plane/binaries.ts';

/** @throws UserError (exit 2) without root or without the built kube-apiserver + etcd. */
export async function requireLabPrerequisites(uid: number | undefined = process.getuid?.()): Promise<void> {
  if (uid !== 0) throw new UserError('bench --world lab needs root: each trial runs in network namespaces with veth pairs, bridges and tcpdump (run as root, e.g. sudo ./l2lab bench failover --world lab)');
  try {
    await locateBinaries();
  } catch (error) {
    throw new UserError(`bench --world lab needs the built control plane: ${error instanceof Error ? error.message : String(error)}; run 'make control-plane'`);
  }
}
