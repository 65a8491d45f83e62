// Copies the effective skills into the folder mounted read-only at /workspace/skills, one
// skill at a time through a staging folder, so a running agent never reads a half copy, and
// writes beside them the catalogue (name, description) the agent lists them from.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {watch as chokidarWatch} from 'chokidar';
import {skillCatalogueFile, type SkillEntry} from '../../container/agent-runner/src/skills.js';
import type {SkillView} from '../api/host-api.js';
import type {Logger} from '../logger.js';
import {loadSkills, skillText, type LoadSkillsOptions} from './skill-loader.js';

interface TreeFile {
	relative: string;
	content: Buffer;
}

/** Regular files and folders only: a symlink in a user's skill could point at a secret. */
function collect(dir: string, base = dir, out: TreeFile[] = []): TreeFile[] {
	for (const entry of fs.readdirSync(dir, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
		if (entry.name.startsWith('.')) continue;
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) collect(full, base, out);
		else if (entry.isFile()) out.push({relative: path.relative(base, full), content: fs.readFileSync(full)});
	}
	return out;
}

/** What the synced copy of a skill holds: SKILL.md as read (even through a symlink) and its other files. */
function skillTree(skill: SkillView): TreeFile[] {
	const files = collect(skill.dir).filter((file) => file.relative !== 'SKILL.md');
	return [{relative: 'SKILL.md', content: Buffer.from(skillText(skill))}, ...files];
}

function treeHash(files: TreeFile[]): string {
	const hash = crypto.createHash('sha256');
	for (const file of [...files].sort((a, b) => a.relative.localeCompare(b.relative))) {
		hash.update(file.relative).update('\0').update(String(file.content.length)).update('\0').update(file.content);
	}
	return hash.digest('hex');
}

function writeTree(dir: string, files: TreeFile[]): void {
	fs.mkdirSync(dir, {recursive: true, mode: 0o755});
	for (const file of files) {
		const target = path.join(dir, file.relative);
		fs.mkdirSync(path.dirname(target), {recursive: true, mode: 0o755});
		fs.writeFileSync(target, file.content, {mode: 0o644});
		// Readable by the sandbox's user whatever the source's mode or the umask.
		fs.chmodSync(target, 0o644);
	}
	for (const sub of fs.readdirSync(dir, {withFileTypes: true, recursive: true})) if (sub.isDirectory()) fs.chmodSync(path.join(sub.parentPath, sub.name), 0o755);
	fs.chmodSync(dir, 0o755);
}

/** Moves a folder aside first, then removes it: its name disappears in one rename. */
function removeFolder(targetDir: string, name: string): void {
	const aside = path.join(targetDir, `.old-${name}-${crypto.randomUUID()}`);
	fs.renameSync(path.join(targetDir, name), aside);
	fs.rmSync(aside, {recursive: true, force: true});
}

/** The agent reads names and descriptions from here, so it never parses YAML itself. */
function writeCatalogue(targetDir: string, skills: SkillView[]): void {
	const entries: SkillEntry[] = skills.map(({name, description}) => ({name, description}));
	const text = `${JSON.stringify({skills: entries}, null, '\t')}\n`;
	const file = path.join(targetDir, skillCatalogueFile);
	try {
		if (fs.readFileSync(file, 'utf8') === text) return;
	} catch {
		// Missing: written below.
	}
	const staging = path.join(targetDir, `.staging-catalogue-${crypto.randomUUID()}`);
	fs.writeFileSync(staging, text, {mode: 0o644});
	fs.chmodSync(staging, 0o644);
	fs.renameSync(staging, file);
}

export interface SyncResult {
	updated: string[];
	removed: string[];
}

/** Brings `targetDir` in line with the valid skills and their catalogue; unchanged skills are left alone. */
export function syncSkills(skills: SkillView[], targetDir: string): SyncResult {
	fs.mkdirSync(targetDir, {recursive: true, mode: 0o755});
	fs.chmodSync(targetDir, 0o755);
	for (const entry of fs.readdirSync(targetDir)) {
		if (entry.startsWith('.staging-') || entry.startsWith('.old-')) fs.rmSync(path.join(targetDir, entry), {recursive: true, force: true});
	}
	const result: SyncResult = {updated: [], removed: []};
	const valid = skills.filter((skill) => !skill.broken);
	for (const skill of valid) {
		const tree = skillTree(skill);
		const final = path.join(targetDir, skill.name);
		const exists = fs.existsSync(final);
		if (exists && fs.statSync(final).isDirectory() && treeHash(collect(final)) === treeHash(tree)) continue;
		const staging = path.join(targetDir, `.staging-${skill.name}-${crypto.randomUUID()}`);
		writeTree(staging, tree);
		if (exists) {
			const aside = path.join(targetDir, `.old-${skill.name}-${crypto.randomUUID()}`);
			fs.renameSync(final, aside);
			fs.renameSync(staging, final);
			fs.rmSync(aside, {recursive: true, force: true});
		} else {
			fs.renameSync(staging, final);
		}
		result.updated.push(skill.name);
	}
	// After the copies and before the removals, so every listed skill is there to load.
	writeCatalogue(targetDir, valid);
	const wanted = new Set(valid.map((skill) => skill.name));
	for (const entry of fs.readdirSync(targetDir)) {
		if (entry.startsWith('.') || wanted.has(entry)) continue;
		removeFolder(targetDir, entry);
		result.removed.push(entry);
	}
	return result;
}

export interface SkillWatcher {
	close(): void | Promise<void>;
	/** Resolves once the watcher sees changes. */
	ready?: Promise<void>;
}

export type SkillWatchFactory = (dirs: string[], onEvent: () => void) => SkillWatcher;

const defaultWatch: SkillWatchFactory = (dirs, onEvent) => {
	const watcher = chokidarWatch(dirs, {ignoreInitial: true, persistent: false});
	watcher.on('all', () => onEvent());
	watcher.on('error', () => {});
	const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
	return {close: () => watcher.close(), ready};
};

export interface SkillLibraryOptions extends LoadSkillsOptions {
	/** `$BABYBOT_HOME/skills-synced`, mounted read-only at /workspace/skills. */
	syncedDir: string;
	logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
	watch?: SkillWatchFactory;
	/** Coalesces bursts of file events into one re-sync; default: 100 ms later. */
	schedule?: (run: () => void) => void;
	/** The list of skills changed (the UI refreshes its Skills pane). */
	onChange?: (skills: SkillView[]) => void;
}

/** The skills as the host knows them, kept synced into the sandbox folder while watched. */
export class SkillLibrary {
	private current: SkillView[] = [];
	private watcher?: SkillWatcher;
	private scheduled = false;

	constructor(private readonly options: SkillLibraryOptions) {}

	skills(): SkillView[] {
		return this.current;
	}

	find(name: string): SkillView | undefined {
		return this.current.find((skill) => skill.name === name);
	}

	/** Re-reads both sources and re-syncs; never throws (a failed sync is logged). */
	refresh(): SkillView[] {
		const {logger} = this.options;
		this.current = loadSkills(this.options);
		for (const skill of this.current) if (skill.broken) logger?.warn({skill: skill.name, reason: skill.broken}, 'skill is broken');
		try {
			const {updated, removed} = syncSkills(this.current, this.options.syncedDir);
			if (updated.length || removed.length) logger?.info({updated, removed}, 'skills synced');
		} catch (error) {
			logger?.error({err: (error as Error).message, dir: this.options.syncedDir}, 'syncing skills failed: sandboxes keep the previous copy');
		}
		this.options.onChange?.(this.current);
		return this.current;
	}

	/** First sync, then a watcher on both sources. */
	start(): SkillView[] {
		fs.mkdirSync(this.options.userDir, {recursive: true});
		const skills = this.refresh();
		if (!this.watcher) {
			const schedule = this.options.schedule ?? ((run) => void setTimeout(run, 100).unref());
			this.watcher = (this.options.watch ?? defaultWatch)([this.options.builtinDir, this.options.userDir], () => {
				if (this.scheduled) return;
				this.scheduled = true;
				schedule(() => {
					this.scheduled = false;
					this.refresh();
				});
			});
		}
		return skills;
	}

	/** Resolves once the watcher started by `start()` sees changes. */
	async watching(): Promise<void> {
		await this.watcher?.ready;
	}

	async close(): Promise<void> {
		await this.watcher?.close();
		this.watcher = undefined;
	}
}
