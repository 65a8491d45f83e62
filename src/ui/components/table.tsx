import {Box, Text} from 'ink';
import {useRef} from 'react';
import {fit, windowStart} from '../format.js';

export interface Column<Row> {
	header: string;
	/** Columns; the one column with `flex` takes what is left. */
	width: number;
	flex?: boolean;
	cell: (row: Row) => string;
	/** This cell's colour (over the row's), e.g. a red FAIL. */
	color?: (row: Row) => string | undefined;
}

export interface TableProps<Row> {
	columns: Column<Row>[];
	rows: Row[];
	cursor: number;
	width: number;
	/** Lines available, the header included. */
	height: number;
	rowColor?: (row: Row) => string | undefined;
	empty?: string;
}

/** A header plus the rows that fit; the cursor row is shown inverse and kept in view. */
export function Table<Row>({columns, rows, cursor, width, height, rowColor, empty}: TableProps<Row>) {
	const start = useRef(0);
	const bodyHeight = Math.max(1, height - 1);
	start.current = windowStart(cursor, rows.length, bodyHeight, start.current);
	const fixed = columns.reduce((sum, column) => sum + (column.flex ? 0 : column.width + 1), 0);
	const widthOf = (column: Column<Row>) => (column.flex ? Math.max(column.width, width - fixed - 1) : column.width);
	const line = (cells: string[]) => cells.map((text, index) => fit(text, widthOf(columns[index]))).join(' ');
	const cells = (row: Row) =>
		columns.map((column, index) => (
			<Text key={column.header}>
				{index > 0 ? ' ' : ''}
				<Text color={column.color?.(row)}>{fit(column.cell(row), widthOf(column))}</Text>
			</Text>
		));
	const visible = rows.slice(start.current, start.current + bodyHeight);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold wrap="truncate">
				{line(columns.map((column) => column.header))}
			</Text>
			{rows.length === 0 ? <Text dimColor>{empty ?? 'nothing here'}</Text> : null}
			{visible.map((row, index) => {
				const selected = start.current + index === cursor;
				return (
					<Text key={start.current + index} inverse={selected} color={rowColor?.(row)} wrap="truncate">
						{columns.some((column) => column.color) ? cells(row) : line(columns.map((column) => column.cell(row)))}
					</Text>
				);
			})}
		</Box>
	);
}
