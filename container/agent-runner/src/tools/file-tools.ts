import fs from 'node:fs/promises';
import path from 'node:path';
import {cutText} from '../text.js';
import {type Tool, type ToolContext, ToolFailure} from './tool.js';

const maxListedEntries = 500;

function resolveOrFail(context: ToolContext, requested: string, mode: 'read' | 'write'): string {
	const resolved = context.workspace.resolve(requested, mode);
	if (!resolved.ok) throw new ToolFailure(resolved.error);
	return resolved.path;
}

async function statOrFail(file: string, requested: string) {
	try {
		return await fs.stat(file);
	} catch {
		throw new ToolFailure(`"${requested}" does not exist; use list_files to see what is there`);
	}
}

export const readFileTool: Tool = {
	name: 'read_file',
	description: 'Read a text file. Relative paths are inside the group folder. A long file is shown in parts: pass the offset a cut note gives to read on.',
	params: {
		path: {type: 'string', description: 'File path', required: true},
		offset: {type: 'integer', description: 'Byte offset to start reading at (default 0)', min: 0},
	},
	async run(args, context) {
		const requested = args.path as string;
		const offset = (args.offset as number | undefined) ?? 0;
		const file = resolveOrFail(context, requested, 'read');
		const stat = await statOrFail(file, requested);
		if (stat.isDirectory()) throw new ToolFailure(`"${requested}" is a directory; use list_files`);
		// A FIFO or a device would hold the call (and the turn) for good.
		if (!stat.isFile()) throw new ToolFailure(`"${requested}" is not a regular file; read it with bash and a timeout`);
		if (offset > stat.size) throw new ToolFailure(`offset ${offset} is past the end of "${requested}" (${stat.size} bytes)`);
		const limit = context.start.limits.toolOutputChars;
		// Read only what can be shown, so a huge file costs no more than the limit.
		const handle = await fs.open(file, 'r');
		try {
			const buffer = Buffer.alloc(Math.min(stat.size - offset, limit * 4));
			const {bytesRead} = await handle.read(buffer, 0, buffer.length, offset);
			const text = buffer.subarray(0, bytesRead).toString('utf8');
			const shown = text.length > limit ? text.slice(0, limit) : text;
			const end = offset + Buffer.byteLength(shown);
			if (end < stat.size) {
				return `${shown}\n[file cut: bytes ${offset}-${end} of ${stat.size} shown; read on with read_file {"path": "${requested}", "offset": ${end}}]`;
			}
			return shown;
		} finally {
			await handle.close();
		}
	},
};

export const writeFileTool: Tool = {
	name: 'write_file',
	description: 'Create or overwrite a file with the given content (parent folders are created).',
	params: {
		path: {type: 'string', description: 'File path', required: true},
		content: {type: 'string', description: 'The whole new content', required: true},
	},
	async run(args, context) {
		const requested = args.path as string;
		const file = resolveOrFail(context, requested, 'write');
		await fs.mkdir(path.dirname(file), {recursive: true});
		await fs.writeFile(file, args.content as string);
		return `wrote ${Buffer.byteLength(args.content as string)} bytes to ${requested}`;
	},
};

export const editFileTool: Tool = {
	name: 'edit_file',
	description: 'Replace one exact occurrence of `old` with `new` in a file. `old` must occur exactly once.',
	params: {
		path: {type: 'string', description: 'File path', required: true},
		old: {type: 'string', description: 'Exact text to replace (must occur once)', required: true},
		new: {type: 'string', description: 'Replacement text', required: true},
	},
	async run(args, context) {
		const requested = args.path as string;
		const oldText = args.old as string;
		const file = resolveOrFail(context, requested, 'write');
		if (!(await statOrFail(file, requested)).isFile()) throw new ToolFailure(`"${requested}" is not a regular file; only a regular file can be edited`);
		const text = await fs.readFile(file, 'utf8');
		if (!oldText) throw new ToolFailure('"old" is empty; give the exact text to replace');
		const count = text.split(oldText).length - 1;
		if (count === 0) throw new ToolFailure(`"old" does not occur in ${requested}; read the file and copy the text exactly`);
		if (count > 1) throw new ToolFailure(`"old" occurs ${count} times in ${requested}; include more surrounding text so it occurs once`);
		const index = text.indexOf(oldText);
		await fs.writeFile(file, text.slice(0, index) + (args.new as string) + text.slice(index + oldText.length));
		return `edited ${requested}`;
	},
};

export const listFilesTool: Tool = {
	name: 'list_files',
	description: 'List a folder (default: the group folder). Folders end with "/", symlinks with "@".',
	params: {path: {type: 'string', description: 'Folder path (default: the group folder)'}},
	async run(args, context) {
		const requested = (args.path as string | undefined) ?? '.';
		const dir = resolveOrFail(context, requested, 'read');
		const stat = await statOrFail(dir, requested);
		if (!stat.isDirectory()) throw new ToolFailure(`"${requested}" is a file; use read_file`);
		const entries = (await fs.readdir(dir, {withFileTypes: true})).sort((a, b) => a.name.localeCompare(b.name));
		if (entries.length === 0) return `${requested} is empty`;
		const lines = entries.slice(0, maxListedEntries).map((e) => (e.isDirectory() ? `${e.name}/` : e.isSymbolicLink() ? `${e.name}@` : e.name));
		if (entries.length > maxListedEntries) lines.push(`[${entries.length - maxListedEntries} more entries not shown]`);
		return cutText(lines.join('\n'), context.start.limits.toolOutputChars, 'listing');
	},
};
