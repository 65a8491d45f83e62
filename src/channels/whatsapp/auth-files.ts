import fs from 'node:fs';
import path from 'node:path';

const fileMode = 0o600;
const dirMode = 0o700;

/** The file name Baileys' multi-file auth state uses for a key, so we tighten exactly what it writes. */
export const authFileName = (file: string) => file.replace(/\//g, '__').replace(/:/g, '-');

export function tightenFile(file: string): void {
	try {
		fs.chmodSync(file, fileMode);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
}

/** Creates the credentials folder (0700) and tightens any file already in it to 0600. */
export function prepareAuthDir(authDir: string): void {
	fs.mkdirSync(authDir, {recursive: true, mode: dirMode});
	fs.chmodSync(authDir, dirMode);
	for (const entry of fs.readdirSync(authDir, {withFileTypes: true})) {
		if (entry.isFile()) tightenFile(path.join(authDir, entry.name));
	}
}

/** Whether `authDir` holds the credentials of a completed pairing (not a half-started one). */
export function hasPairedCredentials(authDir: string): boolean {
	try {
		const creds = JSON.parse(fs.readFileSync(path.join(authDir, 'creds.json'), 'utf8')) as {account?: unknown; me?: {id?: string}};
		return Boolean(creds.account && creds.me?.id);
	} catch {
		return false;
	}
}

/** Moves the credentials folder aside to `auth-<timestamp>.bak` beside it; returns the new path. */
export function moveCredentialsAside(authDir: string, at: Date): string | null {
	if (!fs.existsSync(authDir)) return null;
	const stamp = at.toISOString().replace(/[:.]/g, '-');
	const parent = path.dirname(authDir);
	let target = path.join(parent, `auth-${stamp}.bak`);
	for (let n = 1; fs.existsSync(target); n++) target = path.join(parent, `auth-${stamp}-${n}.bak`);
	fs.renameSync(authDir, target);
	return target;
}
