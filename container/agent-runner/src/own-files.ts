// Files in the sandbox's own writable folders (memory, the session), which the agent's shell can
// replace with anything at any moment: only a regular file is read or appended to, never waited
// on (a FIFO would hold the agent for good), and at most a bounded prefix is read.
import fs from 'node:fs';

export interface OwnFileRead {
	/** The first bytes of the file (at most the bound), as text. */
	text: string;
	/** The whole file's size in bytes. */
	size: number;
}

/** The start of `file` when it is a regular file; undefined when it is missing or anything else. */
export function readOwnFile(file: string, maxBytes: number): OwnFileRead | undefined {
	let fd: number;
	try {
		fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
	} catch {
		return undefined;
	}
	try {
		const stat = fs.fstatSync(fd);
		if (!stat.isFile()) return undefined;
		const buffer = Buffer.alloc(Math.min(stat.size, maxBytes));
		let filled = 0;
		while (filled < buffer.length) {
			const read = fs.readSync(fd, buffer, filled, buffer.length - filled, filled);
			if (read === 0) break;
			filled += read;
		}
		return {text: buffer.subarray(0, filled).toString('utf8'), size: stat.size};
	} catch {
		return undefined;
	} finally {
		fs.closeSync(fd);
	}
}

/** Appends `text` to `file` (created when missing); throws when it is not a regular file. */
export function appendOwnFile(file: string, text: string): void {
	const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NONBLOCK, 0o644);
	try {
		if (!fs.fstatSync(fd).isFile()) throw new Error(`${file} is not a regular file: move it away, then try again`);
		fs.writeSync(fd, text);
	} finally {
		fs.closeSync(fd);
	}
}
