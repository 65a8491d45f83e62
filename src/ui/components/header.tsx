import {Box, Text} from 'ink';
import {paneIds, paneTitles, type PaneId} from '../keymap.js';

export function Header({pane, assistantName, width}: {pane: PaneId; assistantName: string; width: number}) {
	return (
		<Box width={width} height={1}>
			<Text bold color="cyan">
				{`BabyBot (${assistantName}) `}
			</Text>
			{paneIds.map((id, index) => (
				<Text key={id} inverse={id === pane} bold={id === pane}>
					{` ${index + 1} ${paneTitles[id]} `}
				</Text>
			))}
		</Box>
	);
}
