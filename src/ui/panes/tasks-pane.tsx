import {Box, Text} from 'ink';
import type {TaskView} from '../../api/host-api.js';
import {Table, type Column} from '../components/table.js';
import {countdown, localTime, misfireText} from '../format.js';
import {keyHint} from '../keymap.js';
import type {PaneProps} from './pane-props.js';
import {taskRows} from './rows.js';

export function TasksPane({snapshot, filter, cursor, width, height, now}: PaneProps) {
	const rows = taskRows(snapshot, filter);
	const selected = rows[cursor];
	const columns: Column<TaskView>[] = [
		{header: 'GROUP', width: 12, cell: (task) => task.groupFolder},
		{header: 'SCHEDULE', width: 18, cell: (task) => `${task.scheduleType} ${task.scheduleValue}`},
		{header: 'STATUS', width: 9, cell: (task) => task.status},
		{header: 'NEXT', width: 12, cell: (task) => (task.status === 'active' ? countdown(task.nextRun, now) : '-')},
		{header: 'MISSED', width: 8, cell: (task) => task.misfire},
		{header: 'PROMPT', width: 16, flex: true, cell: (task) => task.prompt},
		{header: 'LAST RESULT', width: 22, cell: (task) => task.lastResult ?? '-'},
	];
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Table
				columns={columns}
				rows={rows}
				cursor={cursor}
				width={width}
				height={Math.max(2, height - 2)}
				rowColor={(task) => (task.status === 'paused' ? 'yellow' : task.status === 'completed' ? 'gray' : undefined)}
				empty="no scheduled tasks"
			/>
			{selected ? <SelectedTask task={selected} timezone={snapshot.timezone} /> : null}
		</Box>
	);
}

/** The selected task's next three run times (so a schedule can be checked before it fires) and its misfire policy. */
function SelectedTask({task, timezone}: {task: TaskView; timezone: string}) {
	const runs = task.upcoming.map((at) => localTime(at, timezone)).join(' · ');
	return (
		<>
			<Text wrap="truncate" dimColor={task.status !== 'active'}>
				{`next runs (${timezone}${task.status === 'paused' ? ', once resumed' : ''}): ${runs || 'none'}`}
			</Text>
			<Text wrap="truncate" dimColor>
				{`missed runs: ${task.misfire}, ${misfireText[task.misfire]} (${keyHint('task.misfire', 'to change')})`}
			</Text>
		</>
	);
}
