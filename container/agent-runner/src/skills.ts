// Skills in /workspace/skills/<name>/SKILL.md. The host parses the YAML front matter (this
// program has no dependencies) and writes the catalogue of usable skills beside them; this side
// reads that JSON and only splits SKILL.md to get a body. The host imports this file too.
import fs from 'node:fs';
import path from 'node:path';

/** The catalogue the host writes into the synced skills folder: `{skills: SkillEntry[]}`. */
export const skillCatalogueFile = '.catalogue.json';

export interface SkillEntry {
	name: string;
	description: string;
}

export type FrontMatterSplit = {ok: true; frontMatter: string; body: string} | {ok: false; problem: 'missing' | 'unclosed'};

/** Splits SKILL.md text into its `---` front matter (unparsed) and its body (trimmed). */
export function splitFrontMatter(text: string): FrontMatterSplit {
	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
	if (lines[0]?.trim() !== '---') return {ok: false, problem: 'missing'};
	const end = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
	if (end < 0) return {ok: false, problem: 'unclosed'};
	return {ok: true, frontMatter: lines.slice(1, end).join('\n'), body: lines.slice(end + 1).join('\n').trim()};
}

const isEntry = (value: unknown): value is SkillEntry =>
	!!value && typeof value === 'object' && typeof (value as SkillEntry).name === 'string' && typeof (value as SkillEntry).description === 'string';

/** The skills the host listed, in its order; none when the catalogue is missing or damaged. */
export function readSkillCatalogue(skillsDir: string): SkillEntry[] {
	try {
		const parsed = JSON.parse(fs.readFileSync(path.join(skillsDir, skillCatalogueFile), 'utf8')) as {skills?: unknown};
		if (!Array.isArray(parsed.skills)) return [];
		return parsed.skills.filter(isEntry).map(({name, description}) => ({name, description}));
	} catch {
		return [];
	}
}

export type LoadedSkill = {ok: true; name: string; dir: string; body: string; files: string[]} | {ok: false; error: string};

const maxListedFiles = 200;

/** A catalogued skill's body and the files beside its SKILL.md (relative to `dir`). */
export function loadSkill(skillsDir: string, name: string): LoadedSkill {
	const skills = readSkillCatalogue(skillsDir);
	// Only names the host listed: a model-chosen name never becomes a path by itself.
	const skill = skills.find((s) => s.name === name);
	if (!skill) {
		const known = skills.map((s) => s.name).join(', ') || 'none';
		return {ok: false, error: `no skill named "${name}"; available skills: ${known}`};
	}
	const dir = path.join(skillsDir, skill.name);
	const skillFile = path.join(dir, 'SKILL.md');
	let text: string;
	try {
		text = fs.readFileSync(skillFile, 'utf8');
	} catch (error) {
		return {ok: false, error: `the skill "${name}" could not be read (${(error as Error).message}); try again in a moment`};
	}
	const split = splitFrontMatter(text);
	const files: string[] = [];
	const walk = (folder: string) => {
		for (const entry of fs.readdirSync(folder, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
			if (files.length >= maxListedFiles || entry.name.startsWith('.')) continue;
			const full = path.join(folder, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (full !== skillFile) files.push(path.relative(dir, full));
		}
	};
	walk(dir);
	return {ok: true, name: skill.name, dir, body: split.ok ? split.body : text.trim(), files: files.sort()};
}
