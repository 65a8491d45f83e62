// The repo's group templates reach a home on its first run only, and never over a file that exists.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadConfig} from '../../src/config.js';
import {copyGroupTemplates, prepareHome} from '../../src/host/home-setup.js';
import {homePaths} from '../../src/paths.js';
import {openDb} from '../../src/store/db.js';
import {GroupStore} from '../../src/store/groups.js';
import {tempHome} from '../support/temp-home.js';

function templates(root: string, files: Record<string, string>): string {
	const dir = path.join(root, 'templates');
	for (const [name, text] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, name)), {recursive: true});
		fs.writeFileSync(path.join(dir, name), text);
	}
	return dir;
}

describe('copyGroupTemplates', () => {
	it.each<[string, Record<string, string>, string[]]>([
		['an empty home gets every template', {}, ['global/MEMORY.md', 'main/MEMORY.md']],
		['an edited memory is kept, the rest copied', {'main/MEMORY.md': 'my notes'}, ['global/MEMORY.md']],
		['an emptied memory is kept', {'global/MEMORY.md': '', 'main/MEMORY.md': 'x'}, []],
	])('%s', (_name, existing, copied) => {
		const {root, home} = tempHome();
		const source = templates(root, {'main/MEMORY.md': '# Main template', 'global/MEMORY.md': '# Global template'});
		const groupsDir = path.join(home, 'groups');
		for (const [name, text] of Object.entries(existing)) {
			fs.mkdirSync(path.dirname(path.join(groupsDir, name)), {recursive: true});
			fs.writeFileSync(path.join(groupsDir, name), text);
		}
		const result = copyGroupTemplates(source, groupsDir);
		expect(result.map((file) => path.relative(groupsDir, file)).sort()).toEqual(copied);
		for (const name of ['main/MEMORY.md', 'global/MEMORY.md']) {
			const expected = name in existing ? existing[name] : fs.readFileSync(path.join(source, name), 'utf8');
			expect(fs.readFileSync(path.join(groupsDir, name), 'utf8')).toBe(expected);
		}
	});

	it('copies nothing when the repo has no templates', () => {
		const {root, home} = tempHome();
		expect(copyGroupTemplates(path.join(root, 'missing'), path.join(home, 'groups'))).toEqual([]);
	});
});

describe('prepareHome', () => {
	it('copies the templates on the first run only: a memory the user deleted stays deleted', () => {
		const {root, home, allowlist} = tempHome();
		const projectRoot = path.join(root, 'project');
		fs.mkdirSync(path.join(projectRoot, 'groups', 'main'), {recursive: true});
		fs.writeFileSync(path.join(projectRoot, 'groups', 'main', 'MEMORY.md'), '# Main template');
		const config = {...loadConfig({env: {BABYBOT_HOME: home, MOUNT_ALLOWLIST_PATH: allowlist}}), projectRoot};
		const paths = homePaths(home);
		const memory = path.join(paths.groupsDir, 'main', 'MEMORY.md');
		const start = () => {
			const db = openDb(paths.dbFile);
			try {
				prepareHome(config, paths, new GroupStore(db));
				return new GroupStore(db).all().map((g) => g.folder);
			} finally {
				db.close();
			}
		};
		expect(start()).toEqual(['main']);
		expect(fs.readFileSync(memory, 'utf8')).toBe('# Main template');
		fs.rmSync(memory);
		expect(start()).toEqual(['main']);
		expect(fs.existsSync(memory)).toBe(false);
		expect(fs.existsSync(paths.ipcErrorsDir)).toBe(true);
	});
});
