import {Box, Text} from 'ink';
import {fit} from '../format.js';
import {keyLabel} from '../keys.js';
import {keymap, paneTitles, type KeyBinding} from '../keymap.js';

export function helpLines(table: readonly KeyBinding[] = keymap): string[] {
	return table.map((binding) => {
		const scope = binding.scope === 'global' ? '' : ` [${paneTitles[binding.scope]}]`;
		return `${binding.keys.map(keyLabel).join('/').padEnd(10)} ${binding.description}${scope}`;
	});
}

/** Every keymap entry, in as many columns as the width allows; j/k scroll when it still does not fit. */
export function HelpOverlay({width, height, scroll}: {width: number; height: number; scroll: number}) {
	const lines = helpLines();
	const columnWidth = 68;
	const columnCount = Math.max(1, Math.floor((width - 2) / columnWidth));
	const rowsAvailable = Math.max(1, height - 3);
	const perColumn = Math.max(rowsAvailable, Math.ceil(lines.length / columnCount));
	const start = Math.min(scroll, Math.max(0, perColumn - rowsAvailable));
	const rows: string[] = [];
	for (let row = start; row < Math.min(perColumn, start + rowsAvailable); row++) {
		const cells: string[] = [];
		for (let column = 0; column < columnCount; column++) cells.push(fit(lines[column * perColumn + row] ?? '', columnWidth - 1));
		rows.push(cells.join(' '));
	}
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="cyan" width={width} height={height}>
			<Text bold wrap="truncate">
				{' Keys (Esc or ? to close, j/k to scroll)'}
			</Text>
			{rows.map((row, index) => (
				<Text key={index} wrap="truncate">
					{row}
				</Text>
			))}
		</Box>
	);
}
