// Confines the file tools to the workspace paths, following symlinks before deciding.
import fs from 'node:fs';
import path from 'node:path';
import type {WorkspacePaths} from './protocol.js';

export type ResolveResult = {ok: true; path: string} | {ok: false; error: string};

interface Root {
	path: string;
	readonly: boolean;
}

/** The real path of `target`, following symlinks of the part that exists (the rest may not exist yet). */
export function realPathAllowingMissing(target: string): string {
	const missing: string[] = [];
	let current = path.resolve(target);
	for (;;) {
		try {
			return path.join(fs.realpathSync(current), ...missing.reverse());
		} catch {
			const parent = path.dirname(current);
			if (parent === current) return path.join(current, ...missing.reverse());
			missing.push(path.basename(current));
			current = parent;
		}
	}
}

function isInside(child: string, parent: string): boolean {
	const relative = path.relative(parent, child);
	return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export class Workspace {
	private readonly roots: Root[];

	constructor(private readonly paths: WorkspacePaths) {
		const readOnly = paths.readOnly.map((p) => realPathAllowingMissing(p));
		const candidates = [paths.group, paths.global, paths.skills, paths.project, ...Object.values(paths.extra ?? {})];
		const roots: Root[] = [];
		for (const candidate of candidates) {
			if (!candidate) continue;
			const real = realPathAllowingMissing(candidate);
			roots.push({path: real, readonly: false});
		}
		for (const real of readOnly) roots.push({path: real, readonly: true});
		// The most specific root decides, so a writable folder inside a read-only one stays writable and vice versa.
		this.roots = roots.sort((a, b) => b.path.length - a.path.length || Number(b.readonly) - Number(a.readonly));
	}

	get groupDir(): string {
		return this.paths.group;
	}

	/** Resolves a path the model gave (relative to the group folder) and checks it is inside the workspace. */
	resolve(requested: string, mode: 'read' | 'write'): ResolveResult {
		if (requested.includes('\0')) return {ok: false, error: 'the path contains a NUL character'};
		const absolute = path.resolve(this.paths.group, requested);
		const real = realPathAllowingMissing(absolute);
		const root = this.roots.find((r) => isInside(real, r.path));
		if (!root || !this.isUnderAnyRoot(absolute)) {
			return {ok: false, error: `"${requested}" is outside the workspace; use paths under ${this.describeRoots()}`};
		}
		if (mode === 'write' && root.readonly) {
			return {ok: false, error: `"${requested}" is read-only here (${root.path}); write under ${this.paths.group} instead`};
		}
		return {ok: true, path: real};
	}

	/** The lexical path must also sit under a root, so `../` tricks fail even when a symlink would lead back in. */
	private isUnderAnyRoot(absolute: string): boolean {
		const lexicalRoots = [this.paths.group, this.paths.global, this.paths.skills, this.paths.project, ...Object.values(this.paths.extra ?? {})];
		return lexicalRoots.some((root) => root !== undefined && (isInside(absolute, path.resolve(root)) || isInside(absolute, realPathAllowingMissing(root))));
	}

	private describeRoots(): string {
		const list = [this.paths.group, this.paths.global, this.paths.skills, this.paths.project, ...Object.values(this.paths.extra ?? {})];
		return list.filter(Boolean).join(', ');
	}
}
