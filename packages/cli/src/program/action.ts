/** How cli.ts hands a lazily loaded command module to commander (the modules under program/ declare commands with it). */
export type ActionFactory = (load: () => Promise<(...args: never[]) => Promise<unknown>>) => (...args: unknown[]) => Promise<void>;

/** A repeatable option's values, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
