/** uid:gid of the image's non-root user `agent`. */
export const imageUser = '1000:1000';

/** The label key that names this install on its containers. */
export const installLabelKey = 'babybot.install';

/** The command the sandbox runs (the image's agent-runner). */
export const agentCommand = ['node', '/app/main.js'];

export interface HostIdentity {
	uid: number;
	gid: number;
}

/** The host's uid/gid where the platform has them (not on Windows). */
export function currentHostIdentity(): HostIdentity | undefined {
	const uid = process.getuid?.();
	const gid = process.getgid?.();
	return uid === undefined || gid === undefined ? undefined : {uid, gid};
}

/**
 * The uid:gid a sandbox runs as: the host user when it is not root (so files it writes in mounts
 * stay the user's), else the image's user `agent` (the host hands writable dirs to it). Never root.
 */
export function sandboxUserFor(host: HostIdentity | undefined): string {
	if (!host || host.uid === 0 || host.gid === 0) return imageUser;
	return `${host.uid}:${host.gid}`;
}
