// The host's only access to a memory file an agent can change (groups/<folder>/MEMORY.md and
// groups/global/MEMORY.md): the file directly inside the folder's root, which is a mount point the
// agent cannot replace. Reading opens it without following a link and accepts only a bounded
// regular file with one link; writing creates a new file exclusively (O_EXCL|O_NOFOLLOW) in that
// same folder and renames it over MEMORY.md. Nothing below a subfolder, no recursion.
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import {readRequestFile} from '../ipc/request-file.js';

export const memoryFileName = 'MEMORY.md';
/** The largest memory file the host reads (and keeps a version of). */
export const maxMemoryFileBytes = 1024 * 1024;

export type MemoryFileRead = {status: 'ok'; text: string} | {status: 'missing'} | {status: 'refused'; reason: string};

export async function readMemoryFile(dir: string): Promise<MemoryFileRead> {
	const read = await readRequestFile(dir, memoryFileName, maxMemoryFileBytes, memoryFileName);
	if (read.ok) return {status: 'ok', text: read.bytes.toString('utf8')};
	if (read.gone) return {status: 'missing'};
	return {status: 'refused', reason: read.reason};
}

const writeFlags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

/** Replaces `dir/MEMORY.md` with `text`; the new file belongs to `ownerUid` when the host is root. */
export async function replaceMemoryFile(dir: string, text: string, ownerUid?: number): Promise<void> {
	const temp = path.join(dir, `.${memoryFileName}.host-${randomBytes(6).toString('hex')}`);
	const handle = await fsp.open(temp, writeFlags, 0o644);
	try {
		if (ownerUid !== undefined && process.getuid?.() === 0) await handle.chown(ownerUid, ownerUid);
		await handle.writeFile(text);
		await handle.sync();
	} catch (error) {
		await handle.close();
		await fsp.unlink(temp).catch(() => {});
		throw error;
	}
	await handle.close();
	try {
		await fsp.rename(temp, path.join(dir, memoryFileName));
	} catch (error) {
		await fsp.unlink(temp).catch(() => {});
		const code = (error as NodeJS.ErrnoException).code;
		throw new Error(`${path.join(dir, memoryFileName)} could not be replaced (${code ?? (error as Error).message}): move what is there away and try again`);
	}
}
