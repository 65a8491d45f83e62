// Argument parsing shared by the commands: every bad flag is a one-line usage error, never meow's
// multi-line report followed by process.exit.
import meow, {type AnyFlags, type Result} from 'meow';

export class UsageError extends Error {
	override name = 'UsageError';
}

/** Where the valid flags of `command` (or of the program) are listed. */
export const helpHint = (command?: string) => `run \`babybot-tui${command ? ` ${command}` : ''} --help\` for the valid ones`;

export const isHelpFlag = (arg: string) => arg === '--help' || arg === '-h';

/** Arguments before `--` (the rest are plain words, even when they start with `-`). */
export function beforeSeparator(argv: readonly string[]): readonly string[] {
	const end = argv.indexOf('--');
	return end === -1 ? argv : argv.slice(0, end);
}

const isFlag = (arg: string) => arg.startsWith('-') && arg !== '-' && !/^-\d/.test(arg);

export interface HomeSplit {
	home?: string;
	rest: string[];
}

/** Takes `--home PATH` and `--home=PATH` out of argv wherever they stand (before `--`); the last one wins. */
export function extractHome(argv: readonly string[]): HomeSplit {
	const rest: string[] = [];
	let home: string | undefined;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--') {
			rest.push(...argv.slice(i));
			break;
		}
		if (arg !== '--home' && !arg.startsWith('--home=')) {
			rest.push(arg);
			continue;
		}
		const value = arg === '--home' ? argv[++i] : arg.slice('--home='.length);
		if (!value || value === '--' || (arg === '--home' && isFlag(value))) throw new UsageError('--home needs a folder: e.g. --home ~/.babybot');
		home = value;
	}
	return {home, rest};
}

type FlagSpec = AnyFlags[string];

/** Throws a UsageError for a flag `flags` does not know, a string flag without its value or a boolean given one. */
export function checkFlags(argv: readonly string[], flags: AnyFlags, command?: string): void {
	const args = beforeSeparator(argv);
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (!isFlag(arg)) continue;
		const equals = arg.indexOf('=');
		const name = arg.slice(arg.startsWith('--') ? 2 : 1, equals === -1 ? undefined : equals);
		const named = (flag: string) => flags[flag] ?? flags[flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())];
		const negated = name.startsWith('no-') ? named(name.slice(3)) : undefined;
		const spec: FlagSpec | undefined = arg.startsWith('--')
			? (named(name) ?? (negated?.type === 'boolean' ? negated : undefined))
			: Object.values(flags).find((candidate) => 'shortFlag' in candidate && candidate.shortFlag === name);
		const shown = equals === -1 ? arg : arg.slice(0, equals);
		if (!spec) throw new UsageError(`unknown flag ${shown}: ${helpHint(command)}`);
		if (spec.type === 'boolean' && equals !== -1) throw new UsageError(`${shown} takes no value: ${helpHint(command)}`);
		if (spec.type !== 'boolean' && equals === -1) {
			const value = args[i + 1];
			if (value === undefined || isFlag(value)) throw new UsageError(`${shown} needs a value: ${helpHint(command)}`);
			i++;
		}
	}
}

/** Checks argv against `flags`, then parses it with meow (which then has nothing left to exit on). */
export function parseArgs<Flags extends AnyFlags>(argv: readonly string[], options: {command?: string; flags: Flags}): Result<Flags> {
	checkFlags(argv, options.flags, options.command);
	return meow({
		importMeta: import.meta,
		argv: [...argv],
		flags: options.flags,
		allowUnknownFlags: true,
		autoHelp: false,
		autoVersion: false,
	});
}
