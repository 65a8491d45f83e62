import fs from 'node:fs';
import path from 'node:path';
import type {Config} from '../config.js';
import type {HomePaths} from '../paths.js';
import type {GroupStore} from '../store/groups.js';
import {localJid} from '../channels/local-chat.js';

/** Copies the repo's `groups/` templates into the home, never over an existing file. */
export function copyGroupTemplates(templatesDir: string, groupsDir: string): string[] {
	const copied: string[] = [];
	if (!fs.existsSync(templatesDir)) return copied;
	for (const entry of fs.readdirSync(templatesDir, {withFileTypes: true, recursive: true})) {
		if (!entry.isFile()) continue;
		const source = path.join(entry.parentPath, entry.name);
		const target = path.join(groupsDir, path.relative(templatesDir, source));
		fs.mkdirSync(path.dirname(target), {recursive: true});
		try {
			fs.copyFileSync(source, target, fs.constants.COPYFILE_EXCL);
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
	for (const dir of [paths.storeDir, paths.groupsDir, paths.globalDir, paths.ipcDir, paths.ipcErrorsDir, paths.sessionsDir, paths.logsDir, paths.skillsDir]) {
		fs.mkdirSync(dir, {recursive: true});
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
