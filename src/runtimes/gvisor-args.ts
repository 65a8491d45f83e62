import type {OciEngine} from '../api/types.js';
import {SandboxArgvError} from './argv-checks.js';
import {buildOciRunArgs} from './oci-args.js';
import {buildPodmanArgs} from './podman-args.js';
import type {SandboxSpec} from './runtime.js';
import {currentHostIdentity, sandboxUserFor, type HostIdentity} from './sandbox-user.js';

export interface GvisorArgsOptions {
	/** The engine that runs runsc. */
	engine: OciEngine;
	host?: HostIdentity;
}

/** Podman's global flags for runsc (before `run`); Docker takes them from its daemon config instead. */
export const podmanRunscFlags = ['--runtime', 'runsc', '--runtime-flag', 'network=none'];

/**
 * `docker run --runtime runsc …` or `podman --runtime runsc … run …` argv: the same hardening as
 * Docker and Podman, under gVisor's user-space kernel. runsc runs with --network=none (it refuses to
 * start otherwise here), so a group with network is refused, never started without it.
 */
export function buildGvisorArgs(spec: SandboxSpec, options: GvisorArgsOptions): string[] {
	if (spec.network) {
		throw new SandboxArgvError(
			`group ${spec.groupFolder} has network, which gVisor cannot give (runsc runs with --network=none): run it under CONTAINER_RUNTIME=docker, or add the group again without --network`,
		);
	}
	const host = 'host' in options ? options.host : currentHostIdentity();
	if (options.engine === 'podman') return [...podmanRunscFlags, ...buildPodmanArgs(spec, {host})];
	return buildOciRunArgs(spec, {user: sandboxUserFor(host), runFlags: ['--runtime', 'runsc']});
}
