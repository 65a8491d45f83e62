import {Box, Text} from 'ink';
import type {Modal} from '../modal.js';

/** Confirm, choice and prompt dialogs: three lines in a border under the pane. */
export function Dialog({modal, width}: {modal: Modal; width: number}) {
	let body: string;
	let help: string;
	if (modal.kind === 'confirm') {
		body = modal.message;
		help = 'y yes · n / Esc no';
	} else if (modal.kind === 'choice') {
		body = modal.message;
		help = [...modal.choices.map((choice) => `${choice.key} ${choice.label}`), 'Esc cancel'].join(' · ');
	} else if (modal.kind === 'prompt') {
		body = `${modal.label} ${modal.value}█`;
		help = 'Enter ok · Esc cancel';
	} else return null;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="yellow" width={width} height={4} paddingX={1}>
			<Text wrap="truncate" bold>
				{body}
			</Text>
			<Text wrap="truncate" dimColor>
				{help}
			</Text>
		</Box>
	);
}

export const dialogHeight = 4;
