// Reading one request file that an agent may be racing: no link is followed, nothing blocks, and
// nothing past the size cap is ever read. The content comes from the open descriptor only.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

export type RequestRead =
	| {ok: true; bytes: Buffer}
	/** `head`: what could be read safely (for the quarantine copy); `gone`: nothing to answer. */
	| {ok: false; reason: string; head?: Buffer; gone?: boolean; directory?: boolean};

const openFlags = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY;

/** Reads `dir/name` (dir: a folder only the host can replace) as a bounded regular file with one link. */
export async function readRequestFile(dir: string, name: string, maxBytes: number): Promise<RequestRead> {
	let handle: fsp.FileHandle;
	try {
		handle = await fsp.open(path.join(dir, name), openFlags);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return {ok: false, reason: 'the file is gone', gone: true};
		if (code === 'ELOOP') return {ok: false, reason: 'the request is a symlink: write a regular file'};
		return {ok: false, reason: `the request cannot be opened (${code ?? 'error'}): write a regular file`};
	}
	try {
		const stats = await handle.stat();
		if (stats.isDirectory()) return {ok: false, reason: 'the request is a directory: write a regular file', directory: true};
		if (!stats.isFile()) return {ok: false, reason: 'the request is not a regular file (a FIFO, socket or device): write a regular file'};
		if (stats.nlink !== 1) return {ok: false, reason: 'the request has more than one link (a hard link): write a new file'};
		if (stats.size > maxBytes) return {ok: false, reason: `the request is ${stats.size} bytes: the limit is ${maxBytes}`};
		const bytes = await readAtMost(handle, maxBytes + 1, stats.size + 1);
		if (bytes.length > maxBytes) {
			return {ok: false, reason: `the request grew past the limit of ${maxBytes} bytes while it was read: write it completely, then rename it into place`, head: bytes.subarray(0, maxBytes)};
		}
		return {ok: true, bytes};
	} finally {
		await handle.close();
	}
}

/** Up to `limit` bytes from the descriptor; the first read is sized by what fstat said (the file may still grow). */
async function readAtMost(handle: fsp.FileHandle, limit: number, expected: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let total = 0;
	let size = Math.min(limit, Math.max(1, expected));
	while (total < limit) {
		const buffer = Buffer.allocUnsafe(Math.min(size, limit - total));
		const {bytesRead} = await handle.read(buffer, 0, buffer.length, null);
		if (bytesRead === 0) break;
		chunks.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
		total += bytesRead;
		size = 64 * 1024;
	}
	return Buffer.concat(chunks, total);
}

/** Removes the name from its folder (unlink never follows a link; an empty directory is removed too). */
export async function removeRequestFile(dir: string, name: string, directory = false): Promise<void> {
	const file = path.join(dir, name);
	try {
		await (directory ? fsp.rmdir(file) : fsp.unlink(file));
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTEMPTY' || code === 'EEXIST') return;
		// A directory swapped in after it was opened as a file.
		if (!directory && (code === 'EISDIR' || code === 'EPERM')) return removeRequestFile(dir, name, true);
		throw error;
	}
}
