// Editing of one-line text fields (prompts, filter, command line, chat input), key by key.
import {printable, type KeyName} from './keys.js';

export type EditResult = {kind: 'edit'; value: string} | {kind: 'submit'; value: string} | {kind: 'cancel'} | {kind: 'ignored'};

export function editText(value: string, key: KeyName): EditResult {
	if (key === 'enter') return {kind: 'submit', value};
	if (key === 'escape') return {kind: 'cancel'};
	if (key === 'backspace') return {kind: 'edit', value: Array.from(value).slice(0, -1).join('')};
	if (key === 'ctrl-u') return {kind: 'edit', value: ''};
	const char = printable(key);
	if (char !== null) return {kind: 'edit', value: value + char};
	return {kind: 'ignored'};
}
