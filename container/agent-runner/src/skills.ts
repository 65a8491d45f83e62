// Skills in /workspace/skills/<dir>/SKILL.md: front matter parsed by hand (name, description).
import fs from 'node:fs';
import path from 'node:path';

export interface SkillSummary {
	name: string;
	description: string;
	dir: string;
}

export interface FrontMatter {
	fields: Record<string, string>;
	body: string;
}

const unquote = (value: string) => {
	const trimmed = value.trim();
	if (trimmed.length >= 2 && (trimmed[0] === '"' || trimmed[0] === "'") && trimmed.at(-1) === trimmed[0]) {
		return trimmed.slice(1, -1);
	}
	return trimmed;
};

/** Splits `---` front matter from the body; top-level `key: value` lines, plus `|`/`>` blocks. Undefined when absent or unclosed. */
export function parseFrontMatter(text: string): FrontMatter | undefined {
	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
	if (lines[0]?.trim() !== '---') return undefined;
	const end = lines.findIndex((line, index) => index > 0 && line.trim() === '---');
	if (end < 0) return undefined;
	const fields: Record<string, string> = {};
	for (let index = 1; index < end; index++) {
		const match = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(lines[index]);
		if (!match) continue;
		const [, key, value] = match;
		if (value === '|' || value === '>' || value === '|-' || value === '>-') {
			const block: string[] = [];
			while (index + 1 < end && (/^\s/.test(lines[index + 1]) || lines[index + 1] === '')) block.push(lines[++index].trim());
			fields[key] = block.join(value.startsWith('|') ? '\n' : ' ').trim();
		} else {
			fields[key] = unquote(value);
		}
	}
	return {fields, body: lines.slice(end + 1).join('\n').trim()};
}

/** Every readable skill, sorted by name; folders without a valid SKILL.md are skipped (the host reports them). */
export function listSkills(skillsDir: string): SkillSummary[] {
	let entries: fs.Dirent[];
	try {
		entries = fs.readdirSync(skillsDir, {withFileTypes: true});
	} catch {
		return [];
	}
	const skills: SkillSummary[] = [];
	for (const entry of entries) {
		if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
		const dir = path.join(skillsDir, entry.name);
		let text: string;
		try {
			text = fs.readFileSync(path.join(dir, 'SKILL.md'), 'utf8');
		} catch {
			continue;
		}
		const front = parseFrontMatter(text);
		if (!front) continue;
		skills.push({name: front.fields.name || entry.name, description: front.fields.description ?? '', dir});
	}
	return skills.sort((a, b) => a.name.localeCompare(b.name));
}

export type LoadedSkill = {ok: true; name: string; body: string; files: string[]} | {ok: false; error: string};

const maxListedFiles = 200;

/** A skill's body and the files beside its SKILL.md (relative paths). */
export function loadSkill(skillsDir: string, name: string): LoadedSkill {
	const skills = listSkills(skillsDir);
	const skill = skills.find((s) => s.name === name) ?? skills.find((s) => path.basename(s.dir) === name);
	if (!skill) {
		const known = skills.map((s) => s.name).join(', ') || 'none';
		return {ok: false, error: `no skill named "${name}"; available skills: ${known}`};
	}
	const front = parseFrontMatter(fs.readFileSync(path.join(skill.dir, 'SKILL.md'), 'utf8'));
	const files: string[] = [];
	const walk = (dir: string) => {
		for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
			if (files.length >= maxListedFiles) return;
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (full !== path.join(skill.dir, 'SKILL.md')) files.push(path.relative(skill.dir, full));
		}
	};
	walk(skill.dir);
	return {ok: true, name: skill.name, body: front?.body ?? '', files: files.sort()};
}
