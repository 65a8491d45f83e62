import {loadSkill} from '../skills.js';
import {formatBashResult, maxBashTimeoutMs, runBash} from './bash-tool.js';
import {type Tool, ToolFailure} from './tool.js';

export const bashTool: Tool = {
	name: 'bash',
	description: `Run a shell command in the group folder. Returns exit code, stdout and stderr. Default timeout 60000 ms, max ${maxBashTimeoutMs}.`,
	params: {
		command: {type: 'string', description: 'The command line', required: true},
		timeout_ms: {type: 'integer', description: 'Kill the command after this many milliseconds', min: 1},
	},
	async run(args, context) {
		const requested = args.timeout_ms as number | undefined;
		const result = await runBash({
			command: args.command as string,
			cwd: context.start.paths.group,
			timeoutMs: requested,
			outputChars: context.start.limits.toolOutputChars,
			signal: context.signal,
		});
		return formatBashResult(result, requested);
	},
};

export const loadSkillTool: Tool = {
	name: 'load_skill',
	description: 'Load a skill (from the list in the system prompt): its instructions and the files beside it.',
	params: {name: {type: 'string', description: 'Skill name', required: true}},
	async run(args, context) {
		const skill = loadSkill(context.start.paths.skills, args.name as string);
		if (!skill.ok) throw new ToolFailure(skill.error);
		const files = skill.files.length ? skill.files.map((f) => `- ${f}`).join('\n') : '(none)';
		return `# Skill: ${skill.name}\n\n${skill.body}\n\n## Files beside SKILL.md (paths relative to ${skill.dir})\n${files}`;
	},
};
