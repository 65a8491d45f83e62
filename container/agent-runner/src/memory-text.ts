// Reading and cleaning memory text inside the sandbox (the group's own folders).
import path from 'node:path';
import {readOwnFile} from './own-files.js';

export const memoryFileName = 'MEMORY.md';
/** The most of a memory file the agent reads for upkeep; the host keeps no version of a larger one. */
export const maxMemoryBytes = 1024 * 1024;

export const memoryFile = (dir: string) => path.join(dir, memoryFileName);

/** The file's text, or '' when it is missing, larger than maxMemoryBytes or not a regular file. */
export function readMemoryText(dir: string): string {
	const read = readOwnFile(memoryFile(dir), maxMemoryBytes);
	return read && read.size <= maxMemoryBytes ? read.text : '';
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
