import fs from 'node:fs';
import path from 'node:path';
import {beforeEach, describe, expect, it} from 'vitest';
import {loadSkills, parseSkillFile, skillBody, skillFiles} from '../../src/skills/skill-loader.js';
import {projectRoot} from '../support/cli.js';
import {tempHome} from '../support/temp-home.js';

let builtinDir: string;
let userDir: string;

beforeEach(() => {
	const {root} = tempHome('babybot-skills-');
	builtinDir = path.join(root, 'builtin');
	userDir = path.join(root, 'user');
	fs.mkdirSync(builtinDir);
	fs.mkdirSync(userDir);
});

const skillMd = (name: string, description = `does ${name}`, body = `Body of ${name}.`) => `---\nname: ${name}\ndescription: ${description}\n---\n\n${body}\n`;

function writeSkill(dir: string, folder: string, text: string | null, files: Record<string, string> = {}) {
	const skillDir = path.join(dir, folder);
	fs.mkdirSync(skillDir, {recursive: true});
	if (text !== null) fs.writeFileSync(path.join(skillDir, 'SKILL.md'), text);
	for (const [file, content] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(skillDir, file)), {recursive: true});
		fs.writeFileSync(path.join(skillDir, file), content);
	}
	return skillDir;
}

describe('parseSkillFile', () => {
	it.each<[string, string, RegExp]>([
		['no front matter', '# Just text', /must start with a --- line/],
		['unclosed front matter', '---\nname: a\ndescription: b\n', /not closed/],
		['bad YAML', '---\nname: [a\ndescription: b\n---\n', /not valid YAML/],
		['a list instead of keys', '---\n- a\n- b\n---\n', /must be YAML keys/],
		['no name', '---\ndescription: b\n---\n', /has no name/],
		['a name with capitals', '---\nname: MySkill\ndescription: b\n---\n', /lowercase/],
		['a name with a slash', '---\nname: a/b\ndescription: b\n---\n', /lowercase/],
		['a name starting with -', '---\nname: -a\ndescription: b\n---\n', /lowercase/],
		['a numeric name', '---\nname: 42\ndescription: b\n---\n', /has no name/],
		['no description', '---\nname: a\n---\n', /has no description/],
		['an empty description', '---\nname: a\ndescription: "  "\n---\n', /has no description/],
	])('refuses %s', (_name, text, reason) => {
		expect(() => parseSkillFile(text)).toThrow(reason);
	});

	it('reads quoted, folded and multi-line descriptions and the body', () => {
		expect(parseSkillFile('---\nname: a-1\ndescription: >\n  two\n  lines\nextra: kept\n---\n\n# Body\n\ntext\n')).toEqual({
			name: 'a-1',
			description: 'two lines',
			body: '# Body\n\ntext',
		});
		expect(parseSkillFile('\uFEFF---\r\nname: "b"\r\ndescription: "x: y"\r\n---\r\nbody').description).toBe('x: y');
	});
});

describe('loadSkills', () => {
	it('lists valid and broken skills without throwing, sorted by name', () => {
		writeSkill(builtinDir, 'alpha', skillMd('alpha'));
		writeSkill(builtinDir, 'no-file', null, {'notes.md': 'x'});
		writeSkill(builtinDir, 'bad-yaml', '---\nname: [x\n---\n');
		fs.writeFileSync(path.join(builtinDir, 'README.md'), 'not a skill');
		writeSkill(builtinDir, '.hidden', skillMd('hidden'));
		const skills = loadSkills({builtinDir, userDir: path.join(userDir, 'missing')});
		expect(skills.map((s) => [s.name, s.source, Boolean(s.broken)])).toEqual([
			['alpha', 'builtin', false],
			['bad-yaml', 'builtin', true],
			['no-file', 'builtin', true],
		]);
		expect(skills[1].broken).toContain('not valid YAML');
		expect(skills[2].broken).toMatch(/no SKILL\.md in .*no-file/);
	});

	it("lets the user's skill of the same name replace the built-in one, even when the folder differs", () => {
		writeSkill(builtinDir, 'debug', skillMd('debug', 'built-in'));
		writeSkill(builtinDir, 'other', skillMd('other'));
		const userSkill = writeSkill(userDir, 'my-debug', skillMd('debug', 'mine', 'My way.'));
		const skills = loadSkills({builtinDir, userDir});
		expect(skills).toEqual([
			{name: 'debug', description: 'mine', source: 'user', dir: userSkill},
			{name: 'other', description: 'does other', source: 'builtin', dir: path.join(builtinDir, 'other')},
		]);
		expect(skillBody(skills[0])).toBe('My way.');
	});

	it('marks a second skill with the same name in one source as broken', () => {
		writeSkill(userDir, 'a', skillMd('same'));
		writeSkill(userDir, 'b', skillMd('same'));
		const skills = loadSkills({builtinDir, userDir});
		expect(skills.find((s) => s.name === 'same')?.broken).toBeUndefined();
		expect(skills.find((s) => s.name === 'b')?.broken).toMatch(/already used/);
	});

	it('lists the files beside SKILL.md, without dot files or symlinks', () => {
		const dir = writeSkill(userDir, 'tools', skillMd('tools'), {'scripts/run.sh': 'echo', 'ref.md': 'r', '.secret': 's'});
		fs.symlinkSync('/etc/hostname', path.join(dir, 'link'));
		const [skill] = loadSkills({builtinDir, userDir});
		expect(skillFiles(skill)).toEqual(['ref.md', 'scripts/run.sh']);
	});

	it('refuses the body of a broken skill', () => {
		writeSkill(userDir, 'x', '---\nname: x\n---\n');
		const [skill] = loadSkills({builtinDir, userDir});
		expect(() => skillBody(skill)).toThrow(/broken/);
	});
});

describe('the built-in skills', () => {
	const expected = [
		'add-clear',
		'add-discord',
		'add-memory',
		'add-slack',
		'add-telegram',
		'convert-to-docker',
		'debug',
		'delegate',
		'reminders',
		'setup-apple-container',
		'setup-windows',
	];

	it('all load, none broken, each named like its folder', () => {
		const skills = loadSkills({builtinDir: path.join(projectRoot, 'skills'), userDir: path.join(builtinDir, 'none')});
		expect(skills.map((s) => s.name)).toEqual(expected);
		for (const skill of skills) {
			expect(skill.broken, skill.name).toBeUndefined();
			expect(path.basename(skill.dir)).toBe(skill.name);
			expect(skillBody(skill).length).toBeGreaterThan(200);
		}
	});
});
