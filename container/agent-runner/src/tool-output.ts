// A tool result larger than its share of the model's context: the whole text is saved in the
// group folder and the model sees its start with a note that says how to read the rest.
import fs from 'node:fs';
import path from 'node:path';

/** Where full tool outputs are kept, relative to the group folder; only the newest are kept. */
export const toolOutputDir = '.tool-outputs';
const keptOutputs = 20;

export interface CutResult {
	text: string;
	cut: boolean;
}

/** The start of `text` within `maxChars`, and where to read the rest (the saved file and its byte offset). */
export function cutToolResult(text: string, maxChars: number, groupDir: string, id: string): CutResult {
	if (text.length <= maxChars) return {text, cut: false};
	const keptChars = Math.max(0, maxChars - 260);
	const kept = text.slice(0, keptChars);
	const saved = saveOutput(groupDir, id, text);
	const how = saved
		? `the whole output is saved in ${saved}: read the rest with read_file {"path": "${saved}", "offset": ${Buffer.byteLength(kept)}}`
		: 'run the command again with its output narrowed (head, tail, grep)';
	return {text: `${kept}\n[output cut to fit the model's context: ${keptChars} of ${text.length} characters shown; ${how}]`, cut: true};
}

function saveOutput(groupDir: string, id: string, text: string): string | undefined {
	try {
		const dir = path.join(groupDir, toolOutputDir);
		fs.mkdirSync(dir, {recursive: true});
		const name = `${id.replace(/[^A-Za-z0-9_-]/g, '_')}.txt`;
		fs.writeFileSync(path.join(dir, name), text);
		const files = fs.readdirSync(dir).filter((file) => file.endsWith('.txt'));
		if (files.length > keptOutputs) {
			const byAge = files.map((file) => ({file, at: fs.statSync(path.join(dir, file)).mtimeMs})).sort((a, b) => a.at - b.at);
			for (const {file} of byAge.slice(0, files.length - keptOutputs)) fs.rmSync(path.join(dir, file), {force: true});
		}
		return `${toolOutputDir}/${name}`;
	} catch {
		return undefined;
	}
}
