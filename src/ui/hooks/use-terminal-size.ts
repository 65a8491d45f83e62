import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export interface TerminalSize {
	columns: number;
	rows: number;
}

/** The terminal's size, updated on 'resize'; `fixed` (tests) wins when given. */
export function useTerminalSize(fixed?: TerminalSize): TerminalSize {
	const {stdout} = useStdout();
	const tty = stdout as NodeJS.WriteStream;
	const read = (): TerminalSize => ({columns: tty.columns || 80, rows: tty.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		if (fixed) return;
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout, fixed]);
	return fixed ?? size;
}
