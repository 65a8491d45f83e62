// Editing of one-line text fields (prompts, filter, command line, chat input), key by key; the keymap's
// `text` scope names the editing keys.
import {printable, type KeyName} from './keys.js';
import {bindingIn} from './keymap.js';

export type EditResult = {kind: 'edit'; value: string} | {kind: 'submit'; value: string} | {kind: 'cancel'} | {kind: 'ignored'};

export function editText(value: string, key: KeyName): EditResult {
	switch (bindingIn(key, ['text'])?.action) {
		case 'text.submit':
			return {kind: 'submit', value};
		case 'text.cancel':
			return {kind: 'cancel'};
		case 'text.backspace':
			return {kind: 'edit', value: Array.from(value).slice(0, -1).join('')};
		case 'text.clear':
			return {kind: 'edit', value: ''};
	}
	const char = printable(key);
	if (char !== null) return {kind: 'edit', value: value + char};
	return {kind: 'ignored'};
}
