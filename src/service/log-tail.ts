// `service logs`: the service's log file, the host's JSON lines shown as `time level message fields`.
import fs from 'node:fs';

const levels: Record<number, string> = {10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal'};
const skip = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** A JSON log line as text; any other line (a crash's stack trace) as it is. */
export function formatLogLine(line: string): string {
	let record: Record<string, unknown>;
	try {
		record = JSON.parse(line) as Record<string, unknown>;
	} catch {
		return line;
	}
	if (typeof record !== 'object' || record === null || !('msg' in record)) return line;
	const time = typeof record.time === 'number' ? new Date(record.time).toISOString() : '';
	const fields = Object.entries(record)
		.filter(([key]) => !skip.has(key))
		.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
	return [time, (levels[Number(record.level)] ?? 'info').padEnd(5), String(record.msg), ...fields].filter(Boolean).join(' ');
}

/** The last `count` lines of `file` (read from its end, never the whole of a big file). */
export function lastLines(file: string, count: number): {lines: string[]; end: number} {
	const fd = fs.openSync(file, 'r');
	try {
		const size = fs.fstatSync(fd).size;
		const chunk = Math.min(size, Math.max(64 * 1024, count * 512));
		const buffer = Buffer.alloc(chunk);
		fs.readSync(fd, buffer, 0, chunk, size - chunk);
		const lines = buffer.toString('utf8').split('\n');
		if (lines.at(-1) === '') lines.pop();
		if (chunk < size) lines.shift(); // cut in the middle
		return {lines: lines.slice(-count), end: size};
	} finally {
		fs.closeSync(fd);
	}
}

/** Calls `onLine` for each line appended to `file` after `from`; returns the stop function. */
export function followFile(file: string, from: number, onLine: (line: string) => void, intervalMs = 250): () => void {
	let offset = from;
	let partial = '';
	const timer = setInterval(() => {
		let size: number;
		try {
			size = fs.statSync(file).size;
		} catch {
			return;
		}
		if (size < offset) offset = 0; // rotated or truncated
		if (size === offset) return;
		const fd = fs.openSync(file, 'r');
		try {
			const buffer = Buffer.alloc(Math.min(size - offset, 4 * 1024 * 1024));
			const read = fs.readSync(fd, buffer, 0, buffer.length, offset);
			offset += read;
			const lines = (partial + buffer.subarray(0, read).toString('utf8')).split('\n');
			partial = lines.pop() ?? '';
			for (const line of lines) onLine(line);
		} finally {
			fs.closeSync(fd);
		}
	}, intervalMs);
	return () => clearInterval(timer);
}
