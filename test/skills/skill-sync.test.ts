import fs from 'node:fs';
import path from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {readSkillCatalogue} from '../../container/agent-runner/src/skills.js';
import {buildMountPlan} from '../../src/runtimes/mount-plan.js';
import {loadSkills} from '../../src/skills/skill-loader.js';
import {SkillLibrary, syncSkills, type SkillWatchFactory} from '../../src/skills/skill-sync.js';
import {tempHome} from '../support/temp-home.js';

let root: string;
let builtinDir: string;
let userDir: string;
let syncedDir: string;

beforeEach(() => {
	root = tempHome('babybot-skill-sync-').root;
	builtinDir = path.join(root, 'builtin');
	userDir = path.join(root, 'home', 'skills');
	syncedDir = path.join(root, 'home', 'skills-synced');
	fs.mkdirSync(builtinDir, {recursive: true});
	fs.mkdirSync(userDir, {recursive: true});
});

function writeSkill(dir: string, folder: string, name: string, body: string, files: Record<string, string> = {}) {
	const skillDir = path.join(dir, folder);
	fs.mkdirSync(skillDir, {recursive: true});
	fs.writeFileSync(path.join(skillDir, 'SKILL.md'), `---\nname: ${name}\ndescription: about ${name}\n---\n${body}\n`, {mode: 0o600});
	for (const [file, content] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(skillDir, file)), {recursive: true});
		fs.writeFileSync(path.join(skillDir, file), content, {mode: 0o600});
	}
	return skillDir;
}

const tree = (dir: string) =>
	fs
		.readdirSync(dir, {recursive: true, withFileTypes: true})
		.filter((e) => e.isFile())
		.map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
		.sort();

const load = () => loadSkills({builtinDir, userDir});

describe('syncSkills', () => {
	it('copies the effective valid skills, named by skill, readable by the sandbox user, no symlinks followed', () => {
		writeSkill(builtinDir, 'debug', 'debug', 'built-in');
		writeSkill(builtinDir, 'reminders', 'reminders', 'remind', {'examples/cron.md': 'x'});
		const userSkill = writeSkill(userDir, 'my-debug', 'debug', 'mine');
		fs.writeFileSync(path.join(root, 'secret.txt'), 'TOKEN');
		fs.symlinkSync(path.join(root, 'secret.txt'), path.join(userSkill, 'leak.txt'));
		fs.mkdirSync(path.join(userDir, 'broken'));

		expect(syncSkills(load(), syncedDir)).toEqual({updated: ['debug', 'reminders'], removed: []});
		expect(tree(syncedDir)).toEqual(['.catalogue.json', 'debug/SKILL.md', 'reminders/SKILL.md', 'reminders/examples/cron.md']);
		expect(fs.readFileSync(path.join(syncedDir, 'debug/SKILL.md'), 'utf8')).toContain('mine');
		// The agent lists skills from this catalogue: the user's description wins, broken skills are left out.
		expect(readSkillCatalogue(syncedDir)).toEqual([
			{name: 'debug', description: 'about debug'},
			{name: 'reminders', description: 'about reminders'},
		]);
		expect(fs.statSync(path.join(syncedDir, '.catalogue.json')).mode & 0o777).toBe(0o644);
		expect(fs.statSync(path.join(syncedDir, 'debug/SKILL.md')).mode & 0o777).toBe(0o644);
		expect(fs.statSync(path.join(syncedDir, 'reminders/examples')).mode & 0o777).toBe(0o755);
	});

	it('leaves unchanged skills alone, swaps a changed one whole, removes a deleted one', () => {
		writeSkill(builtinDir, 'a', 'a', 'one');
		writeSkill(builtinDir, 'b', 'b', 'two');
		syncSkills(load(), syncedDir);
		const inodeA = fs.statSync(path.join(syncedDir, 'a')).ino;
		const inodeB = fs.statSync(path.join(syncedDir, 'b')).ino;

		writeSkill(builtinDir, 'b', 'b', 'two, changed', {'extra.md': 'new'});
		fs.rmSync(path.join(builtinDir, 'a'), {recursive: true});
		fs.mkdirSync(path.join(syncedDir, '.staging-b-leftover'));
		expect(syncSkills(load(), syncedDir)).toEqual({updated: ['b'], removed: ['a']});
		expect(fs.readdirSync(syncedDir).sort()).toEqual(['.catalogue.json', 'b']);
		expect(readSkillCatalogue(syncedDir).map((skill) => skill.name)).toEqual(['b']);
		expect(fs.statSync(path.join(syncedDir, 'b')).ino).not.toBe(inodeB);
		expect(tree(syncedDir)).toEqual(['.catalogue.json', 'b/SKILL.md', 'b/extra.md']);

		writeSkill(builtinDir, 'a', 'a', 'one');
		syncSkills(load(), syncedDir);
		const again = fs.statSync(path.join(syncedDir, 'b')).ino;
		const catalogue = fs.statSync(path.join(syncedDir, '.catalogue.json')).ino;
		expect(syncSkills(load(), syncedDir)).toEqual({updated: [], removed: []});
		expect(fs.statSync(path.join(syncedDir, 'b')).ino).toBe(again);
		expect(fs.statSync(path.join(syncedDir, '.catalogue.json')).ino).toBe(catalogue);
		expect(inodeA).toBeGreaterThan(0);
	});

	it('is mounted read-only at /workspace/skills for every group', () => {
		for (const isMain of [true, false]) {
			const plan = buildMountPlan({isMain, groupDir: '/g', globalDir: '/gl', ipcDir: '/i', sessionDir: '/s', skillsDir: syncedDir, projectRoot: '/p', extra: []});
			expect(plan.find((m) => m.containerPath === '/workspace/skills')).toEqual({hostPath: syncedDir, containerPath: '/workspace/skills', readonly: true});
		}
	});
});

describe('SkillLibrary', () => {
	it('re-syncs once per burst of watcher events and reports the new list', () => {
		let fire: (() => void) | undefined;
		let watched: string[] = [];
		const watch: SkillWatchFactory = (dirs, onEvent) => {
			watched = dirs;
			fire = onEvent;
			return {close: () => {}};
		};
		const queued: Array<() => void> = [];
		const reports: string[][] = [];
		writeSkill(builtinDir, 'debug', 'debug', 'built-in');
		const library = new SkillLibrary({builtinDir, userDir, syncedDir, watch, schedule: (run) => queued.push(run), onChange: (skills) => reports.push(skills.map((s) => `${s.name}:${s.source}`))});
		expect(library.start().map((s) => s.name)).toEqual(['debug']);
		expect(watched).toEqual([builtinDir, userDir]);

		writeSkill(userDir, 'debug', 'debug', 'override');
		writeSkill(userDir, 'notes', 'notes', 'n');
		fire!();
		fire!();
		fire!();
		expect(queued).toHaveLength(1);
		queued.shift()!();
		expect(reports).toEqual([['debug:builtin'], ['debug:user', 'notes:user']]);
		expect(fs.readFileSync(path.join(syncedDir, 'debug/SKILL.md'), 'utf8')).toContain('override');
		expect(library.find('notes')?.description).toBe('about notes');
		fire!();
		expect(queued).toHaveLength(1);
	});

	it('picks up a new user skill through the real watcher', async () => {
		let sawFresh: () => void = () => {};
		const seen = new Promise<void>((resolve) => (sawFresh = resolve));
		const library = new SkillLibrary({
			builtinDir,
			userDir,
			syncedDir,
			schedule: (run) => void setImmediate(run),
			onChange: (skills) => skills.some((s) => s.name === 'fresh') && sawFresh(),
		});
		try {
			library.start();
			await library.watching();
			writeSkill(userDir, 'fresh', 'fresh', 'new');
			await seen;
			expect(fs.existsSync(path.join(syncedDir, 'fresh/SKILL.md'))).toBe(true);
		} finally {
			await library.close();
		}
	});
});
