// The Groups pane's memory: what a group's details show of its memory files (size, budget, the
// versions the host kept, the newest one's diff) and the restore of a kept version.
import type {RegisteredGroup} from '../api/types.js';
import type {MemoryDetailsView, MemoryFileView} from '../api/memory-views.js';
import type {Controller} from './controller.js';
import {keyHint, keysOf} from './keymap.js';

const number = (n: number) => n.toLocaleString('en-US');
const fileLabel = (file: MemoryFileView) => (file.file === 'global' ? 'global MEMORY.md' : 'MEMORY.md');
const reasonLabel = {compaction: 'before compaction', restore: 'replaced by a restore'} as const;

/** A kept version as the restore prompt numbers it: the group's file first, then (main) the global one. */
export interface RestoreChoice {
	file: MemoryFileView['file'];
	id: string;
	label: string;
}

export function restoreChoices(view: MemoryDetailsView): RestoreChoice[] {
	return view.files.flatMap((file) => file.versions.map((version) => ({file: file.file, id: version.id, label: `${fileLabel(file)} of ${version.savedAt.slice(0, 16).replace('T', ' ')}`})));
}

function fileLines(file: MemoryFileView, firstNumber: number): string[] {
	const size = file.problem ? `cannot be read (${file.problem})` : file.chars === null ? 'none yet' : `${number(file.chars)} characters`;
	const budget = file.budgetChars === null ? '' : ` · budget ${number(file.budgetChars)} (compacted at the next run above it)`;
	const versions = file.versions.map(
		(version, index) => `    ${firstNumber + index}  ${version.savedAt.slice(0, 16).replace('T', ' ')}  ${reasonLabel[version.reason]}  ${number(version.chars)} characters`,
	);
	return [
		`  ${fileLabel(file)}: ${size}${budget}`,
		`    ${file.path}`,
		...(versions.length ? [`  versions kept by the host (${keyHint('group.restoreMemory', 'to restore one')}):`, ...versions] : ['  no earlier version kept']),
		...(file.versions.length ? [`  version ${firstNumber} → now:`, ...(file.diff.length ? file.diff.map((line) => `    ${line}`) : ['    (the same)'])] : []),
	];
}

export function memoryLines(view: MemoryDetailsView): string[] {
	let next = 1;
	return [
		'memory:',
		...view.files.flatMap((file) => {
			const lines = fileLines(file, next);
			next += file.versions.length;
			return lines;
		}),
	];
}

/** Asks which kept version to restore (by its number in the details), then restores it. */
export function restoreMemory(controller: Controller, group: RegisteredGroup): void {
	const {host, notify} = controller.deps;
	host.memoryDetails(group.folder).then(
		(view) => {
			const choices = restoreChoices(view);
			if (choices.length === 0) return notify('warn', `no earlier version of ${group.folder}'s memory is kept: the host keeps one when it compacts or restores the file`);
			controller.openModal({
				kind: 'prompt',
				label: `Restore which version of ${group.folder}'s memory? (1 is the newest of ${choices.length} kept; ${keysOf('details')} on the group lists them)`,
				value: '1',
				onSubmit: (value) => {
					const choice = /^\d+$/.test(value.trim()) ? choices[Number(value.trim()) - 1] : undefined;
					if (!choice) return notify('error', `"${value}" is not one of the versions: give a number from 1 to ${choices.length}`);
					controller.act(() => host.restoreMemory(group.folder, choice.file, choice.id), `restored ${choice.label} for ${group.folder} (the text it replaced is kept as a version)`);
				},
			});
		},
		(error: Error) => notify('error', error.message),
	);
}
