// What the UI sees of a group's memory files (plain data, part of the host API).

export interface MemoryVersionView {
	id: string;
	savedAt: string;
	/** `compaction`: the text before the host had it compacted; `restore`: the text a restore replaced. */
	reason: 'compaction' | 'restore';
	chars: number;
}

export interface MemoryFileView {
	/** The group's own MEMORY.md, or (main only) the global one. */
	file: 'group' | 'global';
	path: string;
	/** Characters now; null when the file is missing or cannot be read safely. */
	chars: number | null;
	/** Why the file cannot be read (a symlink, a FIFO, too large, …). */
	problem?: string;
	/** The budget it is compacted above; null until the model is known. */
	budgetChars: number | null;
	/** Newest first. */
	versions: MemoryVersionView[];
	/** The newest version against the file now (`- ` only in the version, `+ ` only now); empty when equal. */
	diff: string[];
}

export interface MemoryDetailsView {
	groupFolder: string;
	files: MemoryFileView[];
}
