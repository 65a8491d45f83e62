// Canaries around a sandbox: host files an agent must never reach (the store, the WhatsApp
// credentials, the allowlist, another group's folders, a file outside the home), snapshotted by
// content, mtime and inode, and folders where nothing new may appear. `changes()` lists every
// difference since the snapshot, so a test asserts `toEqual([])` and a failure names what moved.
import fs from 'node:fs';
import path from 'node:path';

export interface CanaryHome {
	home: string;
	allowlist: string;
	root: string;
}

export interface CanaryPaths {
	/** A file beside the SQLite store. */
	storeFile: string;
	/** The WhatsApp credentials. */
	creds: string;
	allowlist: string;
	/** The SQLite store itself: the host writes it, so only its inode is compared (never moved or replaced). */
	db: string;
	victimAck: string;
	victimGroupFile: string;
	/** A folder outside the home; attacks aim their writes here (never at real system files). */
	outsideDir: string;
	outsideFile: string;
}

export interface Boundary {
	paths: CanaryPaths;
	/** Every difference since the snapshot, as `path: what` relative to the temp root; [] when intact. */
	changes(): string[];
}

interface FileState {
	kind: 'file' | 'symlink' | 'dir' | 'other';
	ino: number;
	mtimeMs: number;
	content?: string;
}

const credsText = JSON.stringify({noiseKey: {private: 'canary-noise-key'}, me: {id: '15550000000:1@s.whatsapp.net'}, registered: true}, null, 2);

/** Where the canaries of a home go; the victim is another registered group. */
export function canaryPaths(made: CanaryHome, victim: string): CanaryPaths {
	const {home, root} = made;
	return {
		storeFile: path.join(home, 'store', 'canary.txt'),
		creds: path.join(home, 'store', 'auth', 'creds.json'),
		allowlist: made.allowlist,
		db: path.join(home, 'store', 'babybot.db'),
		victimAck: path.join(home, 'ipc', victim, 'acks', 'canary.json'),
		victimGroupFile: path.join(home, 'groups', victim, 'canary.txt'),
		outsideDir: path.join(root, 'outside'),
		outsideFile: path.join(root, 'outside', 'canary.txt'),
	};
}

/**
 * Writes the canary files (the allowlist only when the test has not written one) — call it before
 * the host starts when the host is a real process — and returns their paths.
 */
export function plantCanaries(made: CanaryHome, victim: string): CanaryPaths {
	const paths = canaryPaths(made, victim);
	const write = (file: string, text: string) => {
		fs.mkdirSync(path.dirname(file), {recursive: true});
		if (!fs.existsSync(file)) fs.writeFileSync(file, text);
	};
	write(paths.storeFile, 'the store: no agent may move or replace this\n');
	write(paths.creds, credsText);
	write(paths.allowlist, JSON.stringify({allowedRoots: [{path: path.join(made.root, 'shared'), allowReadWrite: false}]}, null, 2));
	write(paths.victimAck, JSON.stringify({ok: true, result: 'an ack of another group'}));
	write(paths.victimGroupFile, 'another group: no agent of this group may touch this\n');
	write(paths.outsideFile, 'outside the home: no agent may touch this\n');
	fs.mkdirSync(path.join(made.root, 'shared'), {recursive: true});
	return paths;
}

function stateOf(file: string, withContent: boolean): FileState | null {
	const stats = fs.lstatSync(file, {throwIfNoEntry: false});
	if (!stats) return null;
	const kind = stats.isSymbolicLink() ? 'symlink' : stats.isFile() ? 'file' : stats.isDirectory() ? 'dir' : 'other';
	return {kind, ino: stats.ino, mtimeMs: stats.mtimeMs, ...(withContent && kind === 'file' ? {content: fs.readFileSync(file, 'utf8')} : {})};
}

function entries(dir: string, ignore: RegExp | undefined): Set<string> {
	try {
		return new Set(fs.readdirSync(dir).filter((name) => !ignore?.test(name)));
	} catch {
		return new Set();
	}
}

/**
 * Plants the canaries (if not yet there) and snapshots them and the folders around them. Call it
 * once the host runs: what the host itself made at start-up is part of the snapshot.
 */
export function guardBoundary(made: CanaryHome, victim: string): Boundary {
	const paths = plantCanaries(made, victim);
	const files: Array<[string, boolean]> = [
		[paths.storeFile, true],
		[paths.creds, true],
		[paths.allowlist, true],
		[paths.db, false],
		[paths.victimAck, true],
		[paths.victimGroupFile, true],
		[paths.outsideFile, true],
	];
	// Folders where nothing may appear or vanish; the store's own journal files come and go.
	const dirs: Array<[string, RegExp?]> = [
		[made.root],
		[path.join(made.home, 'store'), /^babybot\.db/],
		[path.dirname(paths.creds)],
		[path.dirname(paths.allowlist)],
		[path.dirname(paths.victimAck)],
		[path.dirname(paths.victimGroupFile)],
		[paths.outsideDir],
	];
	const before = new Map(files.map(([file, content]) => [file, stateOf(file, content)]));
	const listed = new Map(dirs.map(([dir, ignore]) => [dir, entries(dir, ignore)]));
	const show = (file: string) => path.relative(made.root, file) || '.';
	return {
		paths,
		changes() {
			const found: string[] = [];
			for (const [file, content] of files) {
				const was = before.get(file)!;
				const now = stateOf(file, content);
				if (!now) found.push(`${show(file)}: gone`);
				else if (was && now.kind !== was.kind) found.push(`${show(file)}: now a ${now.kind}`);
				else if (was && now.ino !== was.ino) found.push(`${show(file)}: replaced (another inode)`);
				else if (was && content && now.content !== was.content) found.push(`${show(file)}: content changed to ${JSON.stringify(now.content?.slice(0, 120))}`);
				else if (was && content && now.mtimeMs !== was.mtimeMs) found.push(`${show(file)}: modified (mtime)`);
			}
			for (const [dir, ignore] of dirs) {
				const now = entries(dir, ignore);
				for (const name of now) if (!listed.get(dir)!.has(name)) found.push(`${show(path.join(dir, name))}: appeared`);
				for (const name of listed.get(dir)!) if (!now.has(name)) found.push(`${show(path.join(dir, name))}: vanished`);
			}
			return found;
		},
	};
}
