/** A command line the commands cannot read: the message, then the usage (exit 2). */
export class UsageError extends Error {}

/** A failure the user can fix, said in one line without the usage (exit 1). */
export class CommandError extends Error {}
