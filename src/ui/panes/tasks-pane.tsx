import type {ScheduledTask} from '../../api/types.js';
import {Table, type Column} from '../components/table.js';
import {countdown} from '../format.js';
import type {PaneProps} from './pane-props.js';
import {taskRows} from './rows.js';

export function TasksPane({snapshot, filter, cursor, width, height, now}: PaneProps) {
	const columns: Column<ScheduledTask>[] = [
		{header: 'GROUP', width: 12, cell: (task) => task.groupFolder},
		{header: 'SCHEDULE', width: 18, cell: (task) => `${task.scheduleType} ${task.scheduleValue}`},
		{header: 'STATUS', width: 9, cell: (task) => task.status},
		{header: 'NEXT', width: 12, cell: (task) => (task.status === 'active' ? countdown(task.nextRun, now) : '-')},
		{header: 'PROMPT', width: 16, flex: true, cell: (task) => task.prompt},
		{header: 'LAST RESULT', width: 22, cell: (task) => task.lastResult ?? '-'},
	];
	return (
		<Table
			columns={columns}
			rows={taskRows(snapshot, filter)}
			cursor={cursor}
			width={width}
			height={height}
			rowColor={(task) => (task.status === 'paused' ? 'yellow' : task.status === 'completed' ? 'gray' : undefined)}
			empty="no scheduled tasks"
		/>
	);
}
