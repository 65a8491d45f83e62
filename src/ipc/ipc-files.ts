// The file side of IPC: group directories, reading a request safely, acks and the errors folder.
import {randomBytes} from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import {folderProblem} from '../paths.js';

/** Directories an agent drops requests into. */
export const ipcKinds = ['messages', 'tasks', 'requests'] as const;
export type IpcKind = (typeof ipcKinds)[number];
export const isIpcKind = (name: string): name is IpcKind => (ipcKinds as readonly string[]).includes(name);

export type IpcAck = {ok: true; result?: unknown} | {ok: false; error: string};

/** Creates `ipc/<folder>/{messages,tasks,requests,acks}`; throws a one-line error for a bad folder. */
export function ensureGroupIpcDirs(ipcDir: string, folder: string): string {
	const problem = folderProblem(folder);
	if (problem) throw new Error(problem);
	const dir = path.join(ipcDir, folder);
	for (const sub of [...ipcKinds, 'acks']) fs.mkdirSync(path.join(dir, sub), {recursive: true});
	return dir;
}

export type ReadRequest = {ok: true; text: string} | {ok: false; reason: string; gone?: boolean};

/** Reads a request file without following symlinks and refusing anything but a small regular file. */
export async function readRequestFile(file: string, maxBytes: number): Promise<ReadRequest> {
	let handle: fsp.FileHandle;
	try {
		handle = await fsp.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return {ok: false, reason: 'the file is gone', gone: true};
		if (code === 'ELOOP') return {ok: false, reason: 'the request is a symlink: write a regular file'};
		return {ok: false, reason: `the file cannot be read (${code ?? String(error)})`};
	}
	try {
		const stats = await handle.stat();
		if (!stats.isFile()) return {ok: false, reason: 'the request is not a regular file'};
		if (stats.size > maxBytes) return {ok: false, reason: `the request is ${stats.size} bytes: the limit is ${maxBytes}`};
		return {ok: true, text: await handle.readFile('utf8')};
	} finally {
		await handle.close();
	}
}

/**
 * Writes `ipc/<folder>/acks/<name>` atomically. The agent controls its IPC directory, so the acks
 * directory must be a real directory (not a symlink out of it) and the temp file must be new.
 */
export async function writeAck(folderDir: string, name: string, ack: IpcAck): Promise<string> {
	const acksDir = path.join(folderDir, 'acks');
	await fsp.mkdir(acksDir, {recursive: true});
	const stats = await fsp.lstat(acksDir);
	if (!stats.isDirectory()) throw new Error(`${acksDir} is not a directory (a symlink?): no ack written`);
	const temp = path.join(acksDir, `.tmp-${randomBytes(6).toString('hex')}-${name}`);
	await fsp.writeFile(temp, JSON.stringify(ack), {flag: 'wx'});
	const target = path.join(acksDir, name);
	await fsp.rename(temp, target);
	return target;
}

/**
 * Moves a refused request to `ipc/errors/<folder>-<name>` with `<that>.reason.txt` beside it.
 * Returns where it went, or null when the file was already gone.
 */
export async function moveToErrors(errorsDir: string, file: string, folder: string, reason: string): Promise<string | null> {
	await fsp.mkdir(errorsDir, {recursive: true});
	const base = `${folder}-${path.basename(file)}`.slice(0, 200);
	let target = path.join(errorsDir, base);
	if (await exists(target)) target = path.join(errorsDir, `${Date.now()}-${randomBytes(3).toString('hex')}-${base}`);
	try {
		await fsp.rename(file, target);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw error;
	}
	await fsp.writeFile(`${target}.reason.txt`, `${reason}\nfrom: ${file}\nat: ${new Date().toISOString()}\n`);
	return target;
}

async function exists(file: string): Promise<boolean> {
	try {
		await fsp.lstat(file);
		return true;
	} catch {
		return false;
	}
}
