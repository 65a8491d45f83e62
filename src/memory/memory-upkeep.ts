// The host's side of memory compaction and restore.
//
// Before a run, the host reads the group's MEMORY.md (and, for main, the global one) as a bounded
// file directly in the folder's root; one over its budget (its share of the model's context, the
// agent's memoryCharsPerFile) is kept as a version and the run is asked to compact it: the
// agent-runner rewrites it with one bounded model request before the first turn (the file is the
// agent's, so the agent does the file work). The old versions are kept by the host, in
// $BABYBOT_HOME/memory-history/, not beside the file as MEMORY.md.1…N: a prompt-injected agent can
// rewrite anything in its folder, and the versions are what the operator restores after exactly
// that, so they must be out of its reach; the host then also never moves or renames an agent's
// file. A restore keeps what it replaces as a version too, so it can be undone the same way.
import type {ContextBudget} from '../../container/agent-runner/src/protocol.js';
import {memoryCharsPerFile} from '../../container/agent-runner/src/token-budget.js';
import type {Logger} from '../logger.js';
import {groupPaths, type HomePaths} from '../paths.js';
import type {RegisteredGroup} from '../api/types.js';
import {showDiff} from './line-diff.js';
import {memoryFileName, readMemoryFile, replaceMemoryFile} from './memory-files.js';
import {checkTarget, type MemoryVersions} from './memory-versions.js';
import type {MemoryDetailsView, MemoryFileView} from '../api/memory-views.js';

export interface MemoryUpkeepOptions {
	paths: HomePaths;
	versions: MemoryVersions;
	/** The model's budget now (undefined until the model is known). */
	budget(): ContextBudget | undefined;
	logger: Pick<Logger, 'info' | 'warn'>;
	/** Who owns a file the host writes into a group folder (the sandbox user when the host is root). */
	ownerUid?: number;
}

type Which = 'group' | 'global';

export class MemoryUpkeep {
	constructor(private readonly options: MemoryUpkeepOptions) {}

	/** Each memory file's budget in characters. */
	budgetChars(): number | undefined {
		const budget = this.options.budget();
		return budget && memoryCharsPerFile(budget);
	}

	/** The memory files of `group`'s next run that are over their budget; their text is kept first. */
	async beforeRun(group: RegisteredGroup): Promise<{compact: Which[]} | undefined> {
		const limit = this.budgetChars();
		if (limit === undefined) return undefined;
		const compact: Which[] = [];
		for (const which of this.filesOf(group)) {
			const target = which === 'global' ? 'global' : group.folder;
			const read = await readMemoryFile(this.dirOf(target));
			if (read.status === 'refused') this.options.logger.warn({group: group.folder}, `memory of ${target} not checked: ${read.reason}`);
			if (read.status !== 'ok' || read.text.trim().length <= limit) continue;
			await this.options.versions.save(target, read.text, 'compaction');
			this.options.logger.info({group: group.folder}, `memory of ${target} is ${read.text.trim().length} characters, over its budget of ${limit}: the run compacts it (the old text is kept)`);
			compact.push(which);
		}
		return compact.length ? {compact} : undefined;
	}

	/** What the Groups pane shows: each file now, its budget, the versions kept, the newest one's diff. */
	async details(group: RegisteredGroup): Promise<MemoryDetailsView> {
		const files: MemoryFileView[] = [];
		for (const which of this.filesOf(group)) {
			const target = which === 'global' ? 'global' : group.folder;
			const read = await readMemoryFile(this.dirOf(target));
			const versions = await this.options.versions.list(target);
			const now = read.status === 'ok' ? read.text : '';
			files.push({
				file: which,
				path: `${this.dirOf(target)}/${memoryFileName}`,
				chars: read.status === 'ok' ? now.trim().length : null,
				...(read.status === 'refused' ? {problem: read.reason} : {}),
				budgetChars: this.budgetChars() ?? null,
				versions: versions.map(({id, savedAt, reason, text}) => ({id, savedAt, reason, chars: text.trim().length})),
				diff: versions[0] && read.status !== 'refused' ? showDiff(versions[0].text.trimEnd(), now.trimEnd()) : [],
			});
		}
		return {groupFolder: group.folder, files};
	}

	/** Puts version `id` back as the memory file; the text it replaces is kept as a version first. */
	async restore(group: RegisteredGroup, which: Which, id: string): Promise<void> {
		if (which === 'global' && !group.isMain) throw new Error('the global memory belongs to main: restore it from the main group');
		const target = which === 'global' ? 'global' : group.folder;
		const version = await this.options.versions.read(target, id);
		const dir = this.dirOf(target);
		const current = await readMemoryFile(dir);
		if (current.status === 'ok') await this.options.versions.save(target, current.text, 'restore');
		// A link or FIFO in its place is not read (nor kept): the rename replaces the name itself.
		else if (current.status === 'refused') this.options.logger.warn({group: group.folder}, `memory of ${target} replaced without keeping it: ${current.reason}`);
		await replaceMemoryFile(dir, version.text, this.options.ownerUid);
		this.options.logger.info({group: group.folder}, `memory of ${target} restored to the version of ${version.savedAt} by the operator`);
	}

	private filesOf(group: RegisteredGroup): Which[] {
		return group.isMain ? ['group', 'global'] : ['group'];
	}

	private dirOf(target: string): string {
		checkTarget(target);
		return target === 'global' ? this.options.paths.globalDir : groupPaths(this.options.paths, target).group;
	}
}
