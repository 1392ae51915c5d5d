/**
 * Where the docker provider's own Docker daemon listens when l2lab starts one
 * (`kind/docker/dockerd.sh`): its socket, pid file and network namespace. Shared by the planner,
 * the doctor and the provider so that the three agree with the script.
 */

/** Runtime directory of the daemon l2lab starts (socket, pid file, exec root). */
export const DOCKER_PROVIDER_RUN_DIR = '/run/l2lab-docker';
/** Its API socket. */
export const DOCKER_PROVIDER_SOCKET = `${DOCKER_PROVIDER_RUN_DIR}/docker.sock`;
/** The network namespace it runs in: its bridges, veths and iptables stay out of the host's. */
export const DOCKER_PROVIDER_NETNS = 'l2l-docker';
