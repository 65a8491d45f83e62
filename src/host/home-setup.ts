import fs from 'node:fs';
import path from 'node:path';
import type {Config} from '../config.js';
import type {HomePaths} from '../paths.js';
import type {GroupStore} from '../store/groups.js';
import {localJid} from '../channels/local-chat.js';
import {agentUid} from './sandbox-spec.js';

/** Copies the repo's `groups/` templates into the home, never over an existing file; the copies belong to `ownerUid`. */
export function copyGroupTemplates(templatesDir: string, groupsDir: string, ownerUid = agentUid()): string[] {
	const copied: string[] = [];
	if (!fs.existsSync(templatesDir)) return copied;
	for (const entry of fs.readdirSync(templatesDir, {withFileTypes: true, recursive: true})) {
		if (!entry.isFile()) continue;
		const source = path.join(entry.parentPath, entry.name);
		const target = path.join(groupsDir, path.relative(templatesDir, source));
		fs.mkdirSync(path.dirname(target), {recursive: true});
		try {
			fs.copyFileSync(source, target, fs.constants.COPYFILE_EXCL);
			if (ownerUid !== undefined && process.getuid?.() === 0) fs.lchownSync(target, ownerUid, ownerUid);
			copied.push(target);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
	}
	return copied;
}

/**
 * Every start: the home's folders. First run (no main group yet): the templates, then the main
 * group bound to the local chat; later starts never copy again, so a file the user deleted stays gone.
 */
export function prepareHome(config: Config, paths: HomePaths, groups: GroupStore): void {
	// Agents reach their own folders through these (a none-runtime agent of a root host is uid 1000),
	// never the host's state: the store, the credentials, the logs and refused IPC files are the host's alone.
	fs.mkdirSync(paths.home, {recursive: true, mode: 0o711});
	for (const dir of [paths.groupsDir, paths.globalDir, paths.ipcDir, paths.sessionsDir, paths.skillsDir]) fs.mkdirSync(dir, {recursive: true, mode: 0o755});
	for (const dir of [paths.storeDir, paths.logsDir, paths.ipcErrorsDir]) {
		fs.mkdirSync(dir, {recursive: true, mode: 0o700});
		fs.chmodSync(dir, 0o700);
	}
	if (!groups.main()) {
		copyGroupTemplates(path.join(config.projectRoot, 'groups'), paths.groupsDir);
		groups.add({
			jid: localJid('main'),
			name: 'Main (local)',
			folder: 'main',
			trigger: config.trigger,
			requiresTrigger: false,
			isMain: true,
			addedAt: new Date().toISOString(),
			extraMounts: [],
			network: false,
		});
	}
}
