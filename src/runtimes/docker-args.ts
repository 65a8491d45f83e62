import {buildOciRunArgs} from './oci-args.js';
import type {SandboxSpec} from './runtime.js';
import {currentHostIdentity, sandboxUserFor, type HostIdentity} from './sandbox-user.js';

export interface DockerArgsOptions {
	/** The host user; decides the sandbox user (see sandboxUserFor). */
	host?: HostIdentity;
}

/** `docker run …` argv (without the `docker`). Pure; throws SandboxArgvError on unsafe input. */
export function buildDockerArgs(spec: SandboxSpec, options: DockerArgsOptions = {}): string[] {
	const host = 'host' in options ? options.host : currentHostIdentity();
	return buildOciRunArgs(spec, {user: sandboxUserFor(host)});
}
