/** The global through which instrumented code reaches the runtime. */
export const RUNTIME_GLOBAL = '__awaitwhat';

/**
 * Bumped whenever the injected calls change shape: code instrumented for one format must not run
 * against a runtime of another.
 */
export const FORMAT_VERSION = 2;

/** Appended to instrumented code; its presence means "already instrumented, leave alone". */
export const INSTRUMENTED_MARKER = `/*awaitwhat:${FORMAT_VERSION}*/`;

/** Preferred name of the per-function frame variable; a numeric suffix is added on collision. */
export const FRAME_VARIABLE = '__awf';

/**
 * Files larger than this are loaded untransformed with a note: parsing them would add seconds
 * to startup, and files this size are almost always generated bundles.
 */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Longest await-expression text kept in a site record; longer text is cut with an ellipsis. */
export const DEFAULT_MAX_TEXT_LENGTH = 120;
