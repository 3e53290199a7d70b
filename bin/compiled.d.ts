export declare const compiledEntry: string;
export declare function compiledStatus(): { fresh: true } | { fresh: false; reason: string; quiet: boolean };
