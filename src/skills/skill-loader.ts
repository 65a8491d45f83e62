// Skills: folders with a SKILL.md (YAML front matter `name`, `description`; Markdown body).
import fs from 'node:fs';
import path from 'node:path';
import {parse as parseYaml} from 'yaml';
import {splitFrontMatter} from '../../container/agent-runner/src/skills.js';
import type {SkillView} from '../api/host-api.js';

export const skillNamePattern = /^[a-z0-9][a-z0-9-]{0,63}$/;
const maxListedFiles = 200;

export interface ParsedSkillFile {
	name: string;
	description: string;
	body: string;
}

/** Splits and checks SKILL.md text; throws a one-line reason when it cannot be used. */
export function parseSkillFile(text: string): ParsedSkillFile {
	const split = splitFrontMatter(text);
	if (!split.ok && split.problem === 'missing') throw new Error('SKILL.md must start with a --- line that opens the YAML front matter (name, description)');
	if (!split.ok) throw new Error('the front matter of SKILL.md is not closed: add a --- line after it');
	let data: unknown;
	try {
		data = parseYaml(split.frontMatter);
	} catch (error) {
		throw new Error(`the front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
	}
	if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error('the front matter must be YAML keys: name and description');
	const fields = data as Record<string, unknown>;
	if (typeof fields.name !== 'string' || fields.name === '') throw new Error('the front matter has no name: add `name: my-skill`');
	if (!skillNamePattern.test(fields.name)) {
		throw new Error(`the name "${fields.name}" must be 1-64 lowercase letters, digits or -, starting with a letter or digit`);
	}
	if (typeof fields.description !== 'string' || fields.description.trim() === '') {
		throw new Error('the front matter has no description: add `description: what it does and when to use it`');
	}
	return {name: fields.name, description: fields.description.trim(), body: split.body};
}

function readSource(dir: string, source: SkillView['source']): SkillView[] {
	let entries: fs.Dirent[];
	try {
		entries = fs.readdirSync(dir, {withFileTypes: true});
	} catch {
		return [];
	}
	const skills: SkillView[] = [];
	for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
		if (entry.name.startsWith('.')) continue;
		const skillDir = path.join(dir, entry.name);
		if (!isDirectory(skillDir)) continue;
		const file = path.join(skillDir, 'SKILL.md');
		let text: string;
		try {
			text = fs.readFileSync(file, 'utf8');
		} catch {
			skills.push({name: entry.name, description: '', source, dir: skillDir, broken: `no SKILL.md in ${skillDir}: add one with name and description front matter`});
			continue;
		}
		try {
			const parsed = parseSkillFile(text);
			const twin = skills.find((s) => s.name === parsed.name && !s.broken);
			if (twin) {
				skills.push({name: entry.name, description: parsed.description, source, dir: skillDir, broken: `the name "${parsed.name}" is already used by ${twin.dir}: rename one`});
			} else {
				skills.push({name: parsed.name, description: parsed.description, source, dir: skillDir});
			}
		} catch (error) {
			skills.push({name: entry.name, description: '', source, dir: skillDir, broken: `${file}: ${(error as Error).message}`});
		}
	}
	return skills;
}

function isDirectory(p: string): boolean {
	try {
		return fs.statSync(p).isDirectory();
	} catch {
		return false;
	}
}

export interface LoadSkillsOptions {
	/** The repo's `skills/`. */
	builtinDir: string;
	/** `$BABYBOT_HOME/skills/`. */
	userDir: string;
}

/** Every skill, sorted by name; a user's skill replaces the built-in one of the same name. Never throws. */
export function loadSkills(options: LoadSkillsOptions): SkillView[] {
	const byName = new Map<string, SkillView>();
	for (const skill of readSource(options.builtinDir, 'builtin')) byName.set(skill.name, skill);
	for (const skill of readSource(options.userDir, 'user')) byName.set(skill.name, skill);
	return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The instructions of a skill (SKILL.md without its front matter). */
export function skillBody(skill: Pick<SkillView, 'dir' | 'broken' | 'name'>): string {
	if (skill.broken) throw new Error(`skill ${skill.name} is broken: ${skill.broken}`);
	return parseSkillFile(fs.readFileSync(path.join(skill.dir, 'SKILL.md'), 'utf8')).body;
}

/** The whole SKILL.md, front matter included (the TUI shows it). */
export function skillText(skill: Pick<SkillView, 'dir'>): string {
	return fs.readFileSync(path.join(skill.dir, 'SKILL.md'), 'utf8');
}

/** Files beside SKILL.md (relative, sorted), symlinks and dot files left out. */
export function skillFiles(skill: Pick<SkillView, 'dir'>): string[] {
	const files: string[] = [];
	const walk = (dir: string) => {
		for (const entry of fs.readdirSync(dir, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
			if (files.length >= maxListedFiles || entry.name.startsWith('.')) continue;
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.isFile() && full !== path.join(skill.dir, 'SKILL.md')) files.push(path.relative(skill.dir, full));
		}
	};
	walk(skill.dir);
	return files.sort();
}
