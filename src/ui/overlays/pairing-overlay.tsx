import {Box, Text} from 'ink';
import qrcode from 'qrcode-terminal';
import {useMemo} from 'react';
import type {WhatsAppState} from '../../api/host-api.js';
import {formatDuration} from '../format.js';
import {whatsappLabel} from '../components/status-bar.js';
import {keyHint, keysOf} from '../keymap.js';

/** The QR as text lines (qrcode-terminal calls back synchronously). */
export function qrLines(data: string): string[] {
	let text = '';
	qrcode.generate(data, {small: true}, (rendered) => {
		text = rendered;
	});
	return text.split('\n');
}

export function PairingOverlay({state, value, now, width, height}: {state: WhatsAppState; value: string; now: number; width: number; height: number}) {
	const qr = state.status === 'pairing' ? state.qr : undefined;
	const lines = useMemo(() => (qr ? qrLines(qr) : []), [qr]);
	let body;
	if (state.status === 'pairing' && state.pairingCode) {
		body = (
			<Text>
				Pairing code: <Text bold color="green">{state.pairingCode}</Text> — WhatsApp › Linked devices › Link with phone number
			</Text>
		);
	} else if (qr) {
		const left = state.status === 'pairing' && state.qrExpiresAt ? Math.max(0, state.qrExpiresAt - now) : undefined;
		body = (
			<Box flexDirection="column">
				<Text>Scan with WhatsApp › Linked devices{left === undefined ? '' : ` · expires in ${formatDuration(left)}`}</Text>
				{lines.slice(0, Math.max(0, height - 6)).map((line, index) => (
					<Text key={index}>{line}</Text>
				))}
				{lines.length > height - 6 ? <Text color="yellow">terminal too short for the whole QR: enlarge it or pair with a phone number</Text> : null}
			</Box>
		);
	} else {
		body = <Text>{`WhatsApp: ${whatsappLabel(state)}. ${keysOf('text.submit')} starts pairing with a QR; type a phone number (digits, country code first) for a pairing code.`}</Text>;
	}
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="magenta" width={width} height={height} paddingX={1}>
			<Text bold>{`WhatsApp pairing (${keyHint('text.cancel', 'to close')})`}</Text>
			{body}
			<Text color="cyan" wrap="truncate">{`phone: ${value}█`}</Text>
		</Box>
	);
}
