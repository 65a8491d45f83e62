import {buildOciRunArgs} from './oci-args.js';
import type {SandboxSpec} from './runtime.js';
import {currentHostIdentity, imageUser, type HostIdentity} from './sandbox-user.js';

export interface PodmanArgsOptions {
	host?: HostIdentity;
}

/**
 * `podman run …` argv (without the `podman`). A non-root host user is kept as itself inside
 * (`--userns=keep-id`) so files written to mounts stay the user's; a root host runs the image's user.
 */
export function buildPodmanArgs(spec: SandboxSpec, options: PodmanArgsOptions = {}): string[] {
	const host = 'host' in options ? options.host : currentHostIdentity();
	if (!host || host.uid === 0 || host.gid === 0) return buildOciRunArgs(spec, {user: imageUser});
	return buildOciRunArgs(spec, {user: `${host.uid}:${host.gid}`, userFlags: ['--userns=keep-id']});
}
