import {Box, Text} from 'ink';
import {keyHint, keysOf} from '../keymap.js';
import type {Modal} from '../modal.js';

/** The keys line of a dialog, from the keymap. */
export function dialogHelp(modal: Modal): string {
	if (modal.kind === 'confirm') return `${keyHint('confirm.yes', 'yes')} · ${keysOf('confirm.no', 3).replace(/\//g, ' / ')} no`;
	if (modal.kind === 'choice') return [...modal.choices.map((choice) => keyHint(choice.action, choice.label)), keyHint('choice.cancel', 'cancel')].join(' · ');
	if (modal.kind === 'prompt') return `${keyHint('text.submit', 'ok')} · ${keyHint('text.cancel', 'cancel')}`;
	return '';
}

/** Confirm, choice and prompt dialogs: two lines in a border under the pane. */
export function Dialog({modal, width}: {modal: Modal; width: number}) {
	let body: string;
	if (modal.kind === 'confirm' || modal.kind === 'choice') body = modal.message;
	else if (modal.kind === 'prompt') body = `${modal.label} ${modal.value}█`;
	else return null;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="yellow" width={width} height={4} paddingX={1}>
			<Text wrap="truncate" bold>
				{body}
			</Text>
			<Text wrap="truncate" dimColor>
				{dialogHelp(modal)}
			</Text>
		</Box>
	);
}

export const dialogHeight = 4;
