// Memory compaction and restore on the host: a file over its budget is kept as a version before
// the run that compacts it, versions live in the host-only memory-history folder, and a restore
// writes MEMORY.md by a new file and a rename in the group folder's root, never through a link.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import type {ContextBudget} from '../../container/agent-runner/src/protocol.js';
import {memoryCharsPerFile} from '../../container/agent-runner/src/token-budget.js';
import {MemoryUpkeep} from '../../src/memory/memory-upkeep.js';
import {MemoryVersions} from '../../src/memory/memory-versions.js';
import {homePaths} from '../../src/paths.js';
import {group} from '../support/fake-host.js';
import {tempHome} from '../support/temp-home.js';

const budget: ContextBudget = {numCtx: 16_384, reserveTokens: 2048, charsPerToken: 3};
const limit = memoryCharsPerFile(budget);

function setup(options: {budget?: ContextBudget} = {}) {
	const paths = homePaths(tempHome().home);
	let clock = Date.parse('2026-02-01T09:00:00.000Z');
	const versions = new MemoryVersions({dir: paths.memoryHistoryDir, now: () => new Date((clock += 60_000))});
	const warnings: string[] = [];
	const upkeep = new MemoryUpkeep({paths, versions, budget: () => ('budget' in options ? options.budget : budget), logger: {info() {}, warn: (_fields: unknown, text: string) => void warnings.push(text)} as never});
	const dir = (folder: string) => {
		const d = folder === 'global' ? paths.globalDir : path.join(paths.groupsDir, folder);
		fs.mkdirSync(d, {recursive: true});
		return d;
	};
	const write = (folder: string, text: string) => fs.writeFileSync(path.join(dir(folder), 'MEMORY.md'), text);
	const read = (folder: string) => fs.readFileSync(path.join(dir(folder), 'MEMORY.md'), 'utf8');
	return {paths, versions, upkeep, warnings, dir, write, read};
}

const main = group();
const family = group({jid: 'fam@g.us', folder: 'family', name: 'Family', isMain: false});
const long = (what: string) => Array.from({length: 400}, (_, n) => `- ${what} fact ${n}`).join('\n');

describe('memory versions', () => {
	it('keeps the newest five, newest first, and no copy of the newest', async () => {
		const {versions} = setup();
		for (let n = 1; n <= 7; n++) await versions.save('family', `text ${n}`, n % 2 ? 'compaction' : 'restore');
		expect(await versions.save('family', 'text 7', 'compaction')).toBeUndefined();
		const kept = await versions.list('family');
		expect(kept.map((version) => version.text)).toEqual(['text 7', 'text 6', 'text 5', 'text 4', 'text 3']);
		expect(kept[0]).toMatchObject({reason: 'compaction', savedAt: '2026-02-01T09:07:00.000Z'});
		expect(kept[1].reason).toBe('restore');
		expect(await versions.list('work')).toEqual([]);
	});

	it('gives two versions of the same moment their own names, in order', async () => {
		const paths = homePaths(tempHome().home);
		const versions = new MemoryVersions({dir: paths.memoryHistoryDir, now: () => new Date('2026-02-01T09:00:00.000Z')});
		await versions.save('main', 'first', 'compaction');
		await versions.save('main', 'second', 'restore');
		expect((await versions.list('main')).map((version) => [version.text, version.id])).toEqual([
			['second', '20260201T090000000Z-1-restore'],
			['first', '20260201T090000000Z-compaction'],
		]);
	});

	it('refuses a name that is not a group folder or global before it becomes a path', async () => {
		const {versions} = setup();
		await expect(versions.list('../store')).rejects.toThrow('no memory file "../store": name a group folder or global');
		await expect(versions.read('main', 'nope')).rejects.toThrow("no kept version nope of the memory of main: open the group's details to see the versions kept");
	});
});

describe('before a run', () => {
	it('asks the run to compact only the files over their budget, keeping their text first', async () => {
		const {upkeep, versions, write} = setup();
		write('family', 'short');
		expect(await upkeep.beforeRun(family)).toBeUndefined();
		write('family', long('family'));
		write('global', long('global'));
		expect(long('family').length).toBeGreaterThan(limit);
		expect(await upkeep.beforeRun(family)).toEqual({compact: ['group']});
		expect((await versions.list('family')).map((version) => version.text)).toEqual([long('family')]);
		expect(await versions.list('global')).toEqual([]);
		write('main', 'short');
		expect(await upkeep.beforeRun(main)).toEqual({compact: ['global']});
		expect((await versions.list('global')).map((version) => version.reason)).toEqual(['compaction']);
		// A compaction that failed leaves the file as it was: the next run asks again, with no second copy.
		expect(await upkeep.beforeRun(family)).toEqual({compact: ['group']});
		expect(await versions.list('family')).toHaveLength(1);
	});

	it('reads no link, FIFO or huge file, and asks nothing before the model is known', async () => {
		const {upkeep, dir, warnings, versions} = setup();
		fs.symlinkSync('/etc/passwd', path.join(dir('family'), 'MEMORY.md'));
		expect(await upkeep.beforeRun(family)).toBeUndefined();
		expect(warnings).toEqual(['memory of family not checked: MEMORY.md is a symlink: write a regular file']);
		fs.rmSync(path.join(dir('family'), 'MEMORY.md'));
		fs.writeFileSync(path.join(dir('family'), 'MEMORY.md'), 'x'.repeat(2 * 1024 * 1024));
		expect(await upkeep.beforeRun(family)).toBeUndefined();
		expect(warnings[1]).toBe(`memory of family not checked: MEMORY.md is ${2 * 1024 * 1024} bytes: the limit is 1048576`);
		expect(await versions.list('family')).toEqual([]);
		const unknown = setup({budget: undefined});
		unknown.write('family', long('family'));
		expect(await unknown.upkeep.beforeRun(family)).toBeUndefined();
	});
});

describe('details and restore', () => {
	it('shows the size, budget, versions and the diff, and restores a version keeping what it replaces', async () => {
		const {upkeep, versions, write, read, dir} = setup();
		await versions.save('family', '# Family\n- Grandma visits on Sundays\n- Mia likes trains\n', 'compaction');
		write('family', '# Family\n- Grandma visits Sundays\n');
		const details = await upkeep.details(family);
		expect(details.files).toHaveLength(1);
		expect(details.files[0]).toMatchObject({file: 'group', path: path.join(dir('family'), 'MEMORY.md'), chars: '# Family\n- Grandma visits Sundays'.length, budgetChars: limit});
		expect(details.files[0].versions.map((version) => [version.reason, version.chars])).toEqual([['compaction', '# Family\n- Grandma visits on Sundays\n- Mia likes trains'.length]]);
		expect(details.files[0].diff).toEqual(['  # Family', '- - Grandma visits on Sundays', '- - Mia likes trains', '+ - Grandma visits Sundays']);
		expect((await upkeep.details(main)).files.map((file) => file.file)).toEqual(['group', 'global']);

		await upkeep.restore(family, 'group', details.files[0].versions[0].id);
		expect(read('family')).toBe('# Family\n- Grandma visits on Sundays\n- Mia likes trains\n');
		const kept = await versions.list('family');
		expect(kept.map((version) => [version.reason, version.text])).toEqual([
			['restore', '# Family\n- Grandma visits Sundays\n'],
			['compaction', '# Family\n- Grandma visits on Sundays\n- Mia likes trains\n'],
		]);
		expect(fs.readdirSync(dir('family'))).toEqual(['MEMORY.md']);
		expect(fs.statSync(path.join(dir('family'), 'MEMORY.md')).mode & 0o777).toBe(0o644);
	});

	it('replaces a link in place of MEMORY.md without following it, and says what to do about a directory', async () => {
		const {upkeep, versions, dir, read, warnings, paths} = setup();
		await versions.save('family', 'the kept text', 'compaction');
		const [version] = await versions.list('family');
		const outside = path.join(paths.home, 'outside.txt');
		fs.writeFileSync(outside, 'not yours');
		fs.symlinkSync(outside, path.join(dir('family'), 'MEMORY.md'));
		await upkeep.restore(family, 'group', version.id);
		expect(fs.lstatSync(path.join(dir('family'), 'MEMORY.md')).isFile()).toBe(true);
		expect(read('family')).toBe('the kept text');
		expect(fs.readFileSync(outside, 'utf8')).toBe('not yours');
		expect(warnings).toEqual(['memory of family replaced without keeping it: MEMORY.md is a symlink: write a regular file']);

		fs.rmSync(path.join(dir('family'), 'MEMORY.md'));
		fs.mkdirSync(path.join(dir('family'), 'MEMORY.md'));
		await expect(upkeep.restore(family, 'group', version.id)).rejects.toThrow(/MEMORY\.md could not be replaced \(EISDIR\): move what is there away and try again/);
		expect(fs.readdirSync(dir('family'))).toEqual(['MEMORY.md']);
	});

	it('restores the global memory only for main', async () => {
		const {upkeep, versions, read, dir} = setup();
		dir('global');
		await versions.save('global', 'shared facts', 'compaction');
		const [version] = await versions.list('global');
		await expect(upkeep.restore(family, 'global', version.id)).rejects.toThrow('the global memory belongs to main: restore it from the main group');
		await upkeep.restore(main, 'global', version.id);
		expect(read('global')).toBe('shared facts');
	});
});
