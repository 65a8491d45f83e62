// Reading and cleaning memory text inside the sandbox (the group's own folders).
import fs from 'node:fs';
import path from 'node:path';

export const memoryFileName = 'MEMORY.md';
/** The most of a memory file the agent reads for upkeep; the host keeps no version of a larger one. */
export const maxMemoryBytes = 1024 * 1024;

export const memoryFile = (dir: string) => path.join(dir, memoryFileName);

/** The file's text, or '' when it is missing or not a readable file. */
export function readMemoryText(dir: string): string {
	try {
		const file = memoryFile(dir);
		if (fs.statSync(file).size > maxMemoryBytes) return '';
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
}

/** A model's answer without its thinking, private notes or a code fence around the whole text. */
export function cleanModelText(text: string): string {
	const plain = text
		.replace(/<think>[\s\S]*?(<\/think>|$)/g, '')
		.replace(/<internal>[\s\S]*?(<\/internal>|$)/g, '')
		.trim();
	const fenced = /^```[a-z]*\n([\s\S]*?)\n```$/i.exec(plain);
	return (fenced ? fenced[1] : plain).trim();
}
