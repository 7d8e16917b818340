/**
 * Attribute names on the spans awaitwhat emits. The `code.*` ones are OpenTelemetry semantic
 * conventions (stable since 1.33); the `awaitwhat.*` ones are this package's, documented in the
 * README for search, TraceQL and alert rules.
 */

export const CODE_FUNCTION_NAME = 'code.function.name';
export const CODE_FILE_PATH = 'code.file.path';
export const CODE_LINE_NUMBER = 'code.line.number';
export const CODE_COLUMN_NUMBER = 'code.column.number';

/** The await a frame is (or was last) suspended at: its source text and position. */
export const AWAIT_EXPRESSION = 'awaitwhat.await.expression';
export const AWAIT_LOCATION = 'awaitwhat.await.location';

/** On snapshot copies: true, and the real span they copy. */
export const SNAPSHOT = 'awaitwhat.snapshot';
export const SNAPSHOT_OF_TRACE_ID = 'awaitwhat.snapshot.trace_id';
export const SNAPSHOT_OF_SPAN_ID = 'awaitwhat.snapshot.span_id';

/** On `pending await` spans: how long the innermost await has been pending, the threshold, the chain. */
export const PENDING_MS = 'awaitwhat.pending_ms';
export const THRESHOLD_MS = 'awaitwhat.threshold_ms';
export const CHAIN = 'awaitwhat.chain';
export const VALUE_KIND = 'awaitwhat.await.value_kind';

/** On a real span whose frame was reported pending: true, and the longest pending time reported. */
export const WAS_PENDING = 'awaitwhat.was_pending';
export const WAS_PENDING_MS = 'awaitwhat.was_pending_ms';

/** On `await cycle` spans: the frames that await each other. */
export const CYCLE = 'awaitwhat.cycle';

/** Who can settle the promise a chain waits for (the `holders` option, a chain's first report only): `held by Timeout._onTimeout (timer 60s, 55s left)`, `nothing can settle this promise: …`. */
export const HOLDER = 'awaitwhat.holder';
/** `held`, `native`, `never` or `unknown` (see `LeafHolder.state` in the snapshot schema). */
export const HOLDER_STATE = 'awaitwhat.holder.state';
/** The npm package the holder's class comes from, when it is a package's. */
export const HOLDER_PACKAGE = 'awaitwhat.holder.package';

export const PENDING_AWAIT_SPAN_NAME = 'pending await';
/** A re-report of a hung chain in its snapshot trace: from the root's start to the capture, holding the report's `pending await`. */
export const STILL_PENDING_SPAN_NAME = 'still pending';
export const CYCLE_SPAN_NAME = 'await cycle';

/** The metrics (OpenTelemetry naming guidelines; units in UCUM): hung chains by their innermost await, and how long the oldest has waited. */
export const PENDING_METRIC = 'awaitwhat.await.pending';
export const OLDEST_AGE_METRIC = 'awaitwhat.await.oldest_age';
