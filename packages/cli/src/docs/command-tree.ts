/**
 * What the generated documentation reads from the commander program buildProgram() returns:
 * the commands, their options and arguments, and the help text their addHelpText() adds.
 */
import type { EventEmitter } from 'node:events';
import { Help, type Argument, type Command, type Option } from 'commander';

const help = new Help();

/** Every command below the program, parents before their subcommands, in definition order. */
export function allCommands(program: Command): Command[] {
  return help.visibleCommands(program).filter((command) => command.name() !== 'help').flatMap((command) => [command, ...allCommands(command)]);
}

/** "user add" for the command `dockauth user add`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

export const subcommandsOf = (command: Command): Command[] => help.visibleCommands(command).filter((sub) => sub.name() !== 'help');
export const optionsOf = (command: Command): Option[] => help.visibleOptions(command);
export const argumentsOf = (command: Command): readonly Argument[] => help.visibleArguments(command).length > 0 ? help.visibleArguments(command) : command.registeredArguments;

/** The text a command's addHelpText('before'/'after', ...) adds to its --help. */
export function extraHelp(command: Command, position: 'before' | 'after'): string {
  const chunks: string[] = [];
  // commander's Command is an EventEmitter; addHelpText() listens for these events.
  (command as unknown as EventEmitter).emit(`${position}Help`, { error: false, command, write: (text: string) => chunks.push(text) });
  return chunks.join('').replace(/^\n+/, '').replace(/\s+$/, '');
}

/** The option's value placeholder (`DIR` in `--dir <DIR>`), if it takes one. */
export function valueName(option: Option): string | undefined {
  return /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1]?.replace(/\.\.\.$/, '');
}

export const repeatable = (option: Option): boolean => /\(repeatable\)/.test(option.description) || option.variadic;

/** What completes an option's value: files, directories, fixed words, login names, or nothing. */
export type ValueKind = { kind: 'file' } | { kind: 'dir' } | { kind: 'words'; words: string[] } | { kind: 'user' } | { kind: 'none' };

export function valueKind(option: Option): ValueKind {
  const name = valueName(option) ?? '';
  if (option.argChoices) return { kind: 'words', words: option.argChoices };
  if (name === 'DIR') return { kind: 'dir' };
  if (name === 'FILE' || name === 'PATH') return { kind: 'file' };
  if (option.long === '--user') return { kind: 'user' };
  return { kind: 'none' };
}

export function argumentKind(argument: Argument): ValueKind {
  if (argument.argChoices) return { kind: 'words', words: argument.argChoices };
  if (argument.name() === 'NAME') return { kind: 'user' };
  return { kind: 'none' };
}

/** The option's description with its default and choices, as --help shows them. */
export function optionText(option: Option): string {
  const extras: string[] = [];
  if (option.argChoices) extras.push(`choices: ${option.argChoices.join(', ')}`);
  if (option.defaultValue !== undefined && !option.negate && typeof option.defaultValue !== 'boolean') {
    extras.push(`default: ${Array.isArray(option.defaultValue) ? option.defaultValue.join(', ') : String(option.defaultValue)}`);
  }
  if (option.mandatory) extras.push('required');
  return extras.length > 0 ? `${option.description} (${extras.join('; ')})` : option.description;
}

/** An option's names: `-y` and `--yes`, or just `--dir`. */
export function optionNames(option: Option): string[] {
  return [option.short, option.long].filter((name): name is string => Boolean(name));
}
