// Turns Ink's (input, key) pairs into a list of named keys, one per keypress.
import type {Key} from 'ink';

/** A named key: a printable character ('j', 'G', '?'), or 'enter', 'escape', 'tab', 'shift-tab', 'up', … */
export type KeyName = string;

const specialKeys: Array<[keyof Key, KeyName]> = [
	['upArrow', 'up'],
	['downArrow', 'down'],
	['leftArrow', 'left'],
	['rightArrow', 'right'],
	['pageUp', 'pageup'],
	['pageDown', 'pagedown'],
	['home', 'home'],
	['end', 'end'],
	['return', 'enter'],
	['escape', 'escape'],
	['backspace', 'backspace'],
	['delete', 'backspace'],
];

const controlChars: Record<string, KeyName> = {
	'\r': 'enter',
	'\n': 'enter',
	'\t': 'tab',
	'\u007f': 'backspace',
	'\b': 'backspace',
	'\u001b': 'escape',
	'\u0003': 'ctrl-c',
};

/** One keypress from a single character of a batched chunk. */
function charKey(char: string): KeyName {
	if (char === ' ') return 'space';
	return controlChars[char] ?? char;
}

/**
 * Names every key in one stdin delivery. Ink may hand several characters over in one `input`
 * (keys typed faster than a frame, or tmux send-keys): each becomes its own key.
 */
export function keysFromInput(input: string, key: Key): KeyName[] {
	if (key.tab) return [key.shift ? 'shift-tab' : 'tab'];
	for (const [flag, name] of specialKeys) if (key[flag]) return [name];
	if (key.ctrl && input.length === 1) return [`ctrl-${input.toLowerCase()}`];
	if (input === '') return [];
	// Esc followed at once by a key arrives as one Meta-key sequence: it is both keys.
	if (key.meta && !key.escape) return ['escape', ...Array.from(input, charKey)];
	if (input === '\u001b[Z' || input === '[Z') return ['shift-tab'];
	return Array.from(input, charKey);
}

/** The key as the help overlay and hints show it. */
export function keyLabel(name: KeyName): string {
	const labels: Record<string, string> = {
		enter: 'Enter',
		escape: 'Esc',
		tab: 'Tab',
		'shift-tab': 'S-Tab',
		up: '↑',
		down: '↓',
		pageup: 'PgUp',
		pagedown: 'PgDn',
		home: 'Home',
		end: 'End',
		space: 'space',
		'ctrl-c': 'Ctrl-C',
		'ctrl-u': 'Ctrl-U',
	};
	return labels[name] ?? name;
}

/** A printable character a text field may take, or null. */
export function printable(name: KeyName): string | null {
	if (name === 'space') return ' ';
	return Array.from(name).length === 1 && name >= ' ' ? name : null;
}
