import {Box, Text} from 'ink';
import {overlayKeys} from './help-overlay.js';

export function DetailsOverlay({title, lines, scroll, width, height}: {title: string; lines: string[]; scroll: number; width: number; height: number}) {
	const bodyHeight = Math.max(1, height - 3);
	const start = Math.max(0, Math.min(scroll, lines.length - bodyHeight));
	return (
		<Box flexDirection="column" borderStyle="round" borderColor="cyan" width={width} height={height}>
			<Text bold wrap="truncate">
				{` ${title} (${overlayKeys()})`}
			</Text>
			{lines.slice(start, start + bodyHeight).map((line, index) => (
				<Text key={start + index} wrap="truncate">
					{line}
				</Text>
			))}
		</Box>
	);
}
