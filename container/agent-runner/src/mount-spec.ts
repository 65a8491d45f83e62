// `PATH`, `PATH:rw` or `PATH:ro`: how a mount is written by the operator (`groups add --mount`) and
// by the main agent (`register_group` mounts). The host imports this file too.

export interface MountSpec {
	hostPath: string;
	readonly: boolean;
}

/** Read-only unless the text ends in `:rw`; null when there is no path. */
export function parseMountSpec(text: string): MountSpec | null {
	const match = /^(.*?)(?::(rw|ro))?$/.exec(text.trim())!;
	return match[1] ? {hostPath: match[1], readonly: match[2] !== 'rw'} : null;
}
