// The modal states of the UI: at most one at a time takes the keys before the pane keymap does.
import type {ActionName, KeyScope, ModalScope} from './keymap.js';

/** One answer of a choice dialog; its key is the keymap's binding of `action` in the dialog's scope. */
export interface Choice {
	action: ActionName;
	label: string;
	run: () => void;
}

export type Modal =
	| {kind: 'help'; scroll: number}
	| {kind: 'confirm'; message: string; onYes: () => void}
	| {kind: 'choice'; message: string; scope: Extract<ModalScope, 'approve' | 'approveHost' | 'register' | 'misfire' | 'quit'>; choices: Choice[]}
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

/** The keymap scopes a modal reads its keys from, first match wins. */
export function modalScopes(modal: Modal): KeyScope[] {
	switch (modal.kind) {
		case 'help':
		case 'details':
			return ['overlay', 'modal'];
		case 'confirm':
			return ['confirm'];
		case 'choice':
			return [modal.scope, 'choice', 'modal'];
		default:
			return ['text', 'modal'];
	}
}
