// The host's log file on disk, rotated by size: babybot.log, then babybot.log.1 … .N-1 (oldest
// last), so the log folder never holds more than `maxFiles` × `maxBytes` (plus one line).
import fs from 'node:fs';
import path from 'node:path';

export interface RotatingLogOptions {
	/** The current file, e.g. `logs/babybot.log`. */
	file: string;
	/** A file is rotated before it would grow past this. */
	maxBytes: number;
	/** Files kept, the current one included (at least 1). */
	maxFiles: number;
	/**
	 * Files another process appends to with what the host writes (a service manager's copy of its
	 * output): looked at when the file rotates, and rotated along (copy, then truncate) once past
	 * `maxBytes`, so each stays under twice that.
	 */
	companions?: string[];
}

/** The names of the files rotation keeps, current first. Pure. */
export function rotatedNames(file: string, maxFiles: number): string[] {
	return Array.from({length: Math.max(1, maxFiles)}, (_, index) => (index === 0 ? file : `${file}.${index}`));
}

/** A synchronous pino destination that rotates its file by size. */
export class RotatingLogFile {
	private fd: number | null;
	private size: number;

	constructor(private readonly options: RotatingLogOptions) {
		fs.mkdirSync(path.dirname(options.file), {recursive: true});
		this.fd = fs.openSync(options.file, 'a');
		this.size = fs.fstatSync(this.fd).size;
		// A home from before rotation (or with a lower LOG_MAX_FILES) may hold older files: they go.
		for (let index = Math.max(1, options.maxFiles); fs.existsSync(`${options.file}.${index}`); index++) fs.rmSync(`${options.file}.${index}`, {force: true});
	}

	write(chunk: string): boolean {
		if (this.fd === null) return true; // closed with its host: what comes after is not kept
		const bytes = Buffer.byteLength(chunk);
		if (this.size > 0 && this.size + bytes > this.options.maxBytes) this.rotate();
		fs.writeSync(this.fd, chunk);
		this.size += bytes;
		return true;
	}

	/** Writes are synchronous: nothing is ever buffered. */
	flushSync(): void {}

	close(): void {
		if (this.fd !== null) fs.closeSync(this.fd);
		this.fd = null;
	}

	private rotate(): void {
		fs.closeSync(this.fd!);
		const names = rotatedNames(this.options.file, this.options.maxFiles);
		if (names.length === 1) fs.rmSync(names[0]!, {force: true});
		for (let index = names.length - 1; index > 0; index--) {
			if (fs.existsSync(names[index - 1]!)) fs.renameSync(names[index - 1]!, names[index]!);
		}
		this.fd = fs.openSync(this.options.file, 'a');
		this.size = 0;
		for (const companion of this.options.companions ?? []) {
			if ((fs.statSync(companion, {throwIfNoEntry: false})?.size ?? 0) > this.options.maxBytes) copyTruncate(companion, this.options.maxFiles);
		}
	}
}

/**
 * Rotates a file that another process holds open for appending: copies it to `.1` (older copies
 * shift on) and empties it, so that process's next writes start the file again. What it writes
 * between the copy and the truncate is lost.
 */
export function copyTruncate(file: string, maxFiles: number): void {
	const names = rotatedNames(file, maxFiles);
	if (names.length > 1) {
		for (let index = names.length - 1; index > 1; index--) {
			if (fs.existsSync(names[index - 1]!)) fs.renameSync(names[index - 1]!, names[index]!);
		}
		fs.copyFileSync(file, names[1]!);
	}
	fs.truncateSync(file, 0);
}
