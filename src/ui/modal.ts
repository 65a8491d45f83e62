// The modal states of the UI: at most one at a time takes the keys before the keymap does.

export interface Choice {
	key: string;
	label: string;
	run: () => void;
}

export type Modal =
	| {kind: 'help'; scroll: number}
	| {kind: 'confirm'; message: string; onYes: () => void}
	| {kind: 'choice'; message: string; choices: Choice[]}
	| {kind: 'prompt'; label: string; value: string; onSubmit: (value: string) => void}
	| {kind: 'details'; title: string; lines: string[]; scroll: number}
	| {kind: 'chat'; groupFolder: string; value: string}
	| {kind: 'pairing'; value: string}
	| {kind: 'command'; value: string}
	| {kind: 'filter'; value: string; previous: string};

/** Dialogs drawn under the pane; the other modals take the whole body. */
export function isDialog(modal: Modal | null): boolean {
	return modal?.kind === 'confirm' || modal?.kind === 'choice' || modal?.kind === 'prompt';
}
