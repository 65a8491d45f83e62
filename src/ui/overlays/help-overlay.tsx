import {Box, Text} from 'ink';
import {fit} from '../format.js';
import {keyLabel} from '../keys.js';
import {keymap, keysOf, scopeTitles, type KeyBinding} from '../keymap.js';

/** The close and scroll keys of the help and details overlays. */
export function overlayKeys(): string {
	return `${keysOf('overlay.close', 2)} to close, ${keysOf('cursor.down')}/${keysOf('cursor.up')} to scroll`;
}

/** Every binding of the keymap, in sections by scope (in the table's order). */
export function helpLines(table: readonly KeyBinding[] = keymap): string[] {
	const keys = (binding: KeyBinding) => binding.keys.map(keyLabel).join('/');
	const keyWidth = Math.min(16, Math.max(...table.map((binding) => keys(binding).length)));
	const scopes = [...new Set(table.map((binding) => binding.scope))];
	return scopes.flatMap((scope) => [
		`── ${scopeTitles[scope]}`,
		...table.filter((binding) => binding.scope === scope).map((binding) => `  ${keys(binding).padEnd(keyWidth)} ${binding.description}`),
	]);
}

/** Every keymap entry, in as many columns as the width allows; the move keys scroll it when it still does not fit. */
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
				{` Keys (${overlayKeys()})`}
			</Text>
			{rows.map((row, index) => (
				<Text key={index} wrap="truncate">
					{row}
				</Text>
			))}
		</Box>
	);
}
