/**
 * Settings: one rule for every setting from every source (src/hooks/env.ts). A bad value is one
 * warning naming the variable or option, the value and what was expected, and the default (or the
 * environment variable behind a bad option) is used; nothing of awaitwhat ever ends the program at
 * start-up. OTEL_* variables are read as OpenTelemetry's SDK reads them.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { AwaitInstrumentation } from '../dist/index.js';
import { hookOptionsFromEnv, numberIn, setting, show, validHookOptions } from '../dist/hooks/env.js';
import { resolveConfig } from '../dist/otel/config.js';
import { readSdkSettings } from '../dist/otel/sdk-settings.js';
import { ROOT, run } from './support/run.ts';

function collect(): { warn: (m: string) => void; warnings: string[] } {
  const warnings: string[] = [];
  return { warn: (m: string) => warnings.push(m), warnings };
}

const QUIET = { env: { PATH: process.env.PATH } };

describe('the settings rule: setting()', () => {
  const expect = numberIn(1, 100);
  const spec = (option: unknown, text: string | undefined) => ({
    option: { label: 'Thing option size', value: option },
    variable: { name: 'THING_SIZE', env: text === undefined ? {} : { THING_SIZE: text } },
    expect,
    fallback: 7,
  });
  const CASES: [string, unknown, string | undefined, number, string[]][] = [
    ['unset: the default, silently', undefined, undefined, 7, []],
    ['blank text is unset', undefined, ' \t', 7, []],
    ['text is read as Number() reads it, as the SDK does (spaces, exponent)', undefined, ' 1e1 ', 10, []],
    ['bad text: one warning, the default', undefined, 'abc', 7, ['THING_SIZE="abc" is not valid (expected a number >= 1 and <= 100); using the default, 7']],
    ['out of range', undefined, '101', 7, ['THING_SIZE="101" is not valid (expected a number >= 1 and <= 100); using the default, 7']],
    ['an option wins, and the variable is not even read', 5, 'abc', 5, []],
    ['a bad option falls back to a good variable, and says so', -5, '9', 9, ['Thing option size=-5 is not valid (expected a number >= 1 and <= 100); using THING_SIZE="9"']],
    [
      'a bad option over a bad variable: a warning for each, the default',
      '5',
      'x',
      7,
      ['Thing option size="5" is not valid (expected a number >= 1 and <= 100); using the default, 7', 'THING_SIZE="x" is not valid (expected a number >= 1 and <= 100); using the default, 7'],
    ],
    ['an option is never parsed from text', '5', undefined, 7, ['Thing option size="5" is not valid (expected a number >= 1 and <= 100); using the default, 7']],
  ];
  for (const [name, option, text, value, warnings] of CASES) {
    it(name, () => {
      const c = collect();
      assert.equal(setting(spec(option, text), c.warn), value);
      assert.deepEqual(c.warnings, warnings);
    });
  }

  it('shows a value without running any of the program\'s code', () => {
    let called = 0;
    const hostile = { toString: () => String(++called), get [Symbol.toPrimitive]() { return () => String(++called); } };
    const proxy = new Proxy([1], { get: () => { called++; return 1; } });
    assert.deepEqual([hostile, proxy, [1, 'a', null], [{}], () => 1, Symbol('s'), 10n, null].map(show), ['an object', 'a proxy', '[1, "a", null]', 'an array', 'a function', 'a symbol', '10', 'null']);
    assert.equal(called, 0);
  });
});

describe('AwaitInstrumentation settings (options and AWAITWHAT_* variables)', () => {
  const DEFAULTS = { enabled: true, pendingThresholdMs: 5000, sampleIntervalMs: 1000, minSpanDurationMs: 10, maxChainsPerSample: 20, requireParentSpan: false, omitText: false, holders: false, onPending: undefined };
  const CASES: [string, Record<string, unknown>, Record<string, string>, Record<string, unknown>, string[]][] = [
    ['defaults', {}, {}, {}, []],
    [
      'the issue\'s variables: AWAITWHAT_PENDING_THRESHOLD_MS=-5, AWAITWHAT_MAX_CHAINS=abc',
      {},
      { AWAITWHAT_PENDING_THRESHOLD_MS: '-5', AWAITWHAT_MAX_CHAINS: 'abc' },
      {},
      [
        'AWAITWHAT_PENDING_THRESHOLD_MS="-5" is not valid (expected a number >= 1); using the default, 5000',
        'AWAITWHAT_MAX_CHAINS="abc" is not valid (expected an integer >= 1); using the default, 20',
      ],
    ],
    [
      'good variables',
      {},
      { AWAITWHAT_PENDING_THRESHOLD_MS: '250', AWAITWHAT_SAMPLE_INTERVAL_MS: '10', AWAITWHAT_MIN_SPAN_DURATION_MS: '0', AWAITWHAT_MAX_CHAINS: '3', AWAITWHAT_REQUIRE_PARENT_SPAN: 'TRUE', AWAITWHAT_OMIT_TEXT: '1', AWAITWHAT_HOLDERS: 'true', AWAITWHAT_INCLUDE: 'src/**, lib ,', AWAITWHAT_PACKAGES: 'fastify,@scope/x' },
      { pendingThresholdMs: 250, sampleIntervalMs: 10, minSpanDurationMs: 0, maxChainsPerSample: 3, requireParentSpan: true, omitText: true, holders: true, include: ['src/**', 'lib'], packages: ['fastify', '@scope/x'] },
      [],
    ],
    [
      'a sampling interval Node.js could not time, and a fractional chain cap',
      {},
      { AWAITWHAT_SAMPLE_INTERVAL_MS: '3000000000', AWAITWHAT_MAX_CHAINS: '2.5' },
      {},
      [
        'AWAITWHAT_SAMPLE_INTERVAL_MS="3000000000" is not valid (expected a number >= 10 and <= 2147483647); using the default, 1000',
        'AWAITWHAT_MAX_CHAINS="2.5" is not valid (expected an integer >= 1); using the default, 20',
      ],
    ],
    [
      'bad options, each a warning and its default',
      { pendingThresholdMs: -1, sampleIntervalMs: '1s', requireParentSpan: 'yes', include: 'src/**', exclude: ['['], packages: ['../evil'], onPending: 42, enabled: 'no', omitText: 1 },
      {},
      {},
      [
        'AwaitInstrumentation option pendingThresholdMs=-1 is not valid (expected a number >= 1); using the default, 5000',
        'AwaitInstrumentation option sampleIntervalMs="1s" is not valid (expected a number >= 10 and <= 2147483647); using the default, 1000',
        'AwaitInstrumentation option requireParentSpan="yes" is not valid (expected true or false); using the default, false',
        'AwaitInstrumentation option omitText=1 is not valid (expected true or false); using the default, false',
        'AwaitInstrumentation option include="src/**" is not valid (expected an array of globs); using the default, all files outside node_modules',
        'AwaitInstrumentation option exclude=["["] is not valid (expected an array of globs); using the default, none',
        'AwaitInstrumentation option packages=["../evil"] is not valid (expected an array of package names); using the default, none',
        'AwaitInstrumentation option onPending=42 is not valid (expected a function); using the default, none',
        'AwaitInstrumentation option enabled="no" is not valid (expected true or false); using the default, true',
      ],
    ],
    [
      'an option wins over its variable; a bad one falls back to the variable',
      { maxChainsPerSample: 0, pendingThresholdMs: 300 },
      { AWAITWHAT_MAX_CHAINS: '4', AWAITWHAT_PENDING_THRESHOLD_MS: 'junk' },
      { maxChainsPerSample: 4, pendingThresholdMs: 300 },
      ['AwaitInstrumentation option maxChainsPerSample=0 is not valid (expected an integer >= 1); using AWAITWHAT_MAX_CHAINS="4"'],
    ],
  ];
  for (const [name, options, env, changed, warnings] of CASES) {
    it(`resolveConfig: ${name}`, () => {
      const c = collect();
      assert.deepEqual(resolveConfig(options, env, c.warn), { ...DEFAULTS, ...changed });
      assert.deepEqual(c.warnings, warnings);
    });
  }

  it('new AwaitInstrumentation() never throws: the warnings go through diag once the constructor has returned, the defaults are used', async () => {
    const seen: string[] = [];
    const log = (...args: unknown[]) => seen.push(args.join(' '));
    diag.setLogger({ error: log, warn: log, info() {}, debug() {}, verbose() {} }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    try {
      const instrumentation = new AwaitInstrumentation({ enabled: false, maxChainsPerSample: -1, onPending: 'nope' } as never);
      assert.deepEqual(seen, [], 'not before the constructor returns (NodeSDK installs its logger after)');
      await Promise.resolve();
      assert.deepEqual(seen, [
        'awaitwhat AwaitInstrumentation option maxChainsPerSample=-1 is not valid (expected an integer >= 1); using the default, 20',
        'awaitwhat AwaitInstrumentation option onPending="nope" is not valid (expected a function); using the default, none',
      ]);
      assert.equal((instrumentation.getConfig() as { maxChainsPerSample: number }).maxChainsPerSample, 20);
    } finally {
      diag.disable();
    }
  });
});

describe('awaitwhat/hooks settings (AWAITWHAT_* variables and installHooks options)', () => {
  it('hookOptionsFromEnv: good values, and a warning with the default for each bad one', () => {
    const good = collect();
    assert.deepEqual(
      hookOptionsFromEnv({ AWAITWHAT_INCLUDE: 'a/**', AWAITWHAT_EXCLUDE: ' ', AWAITWHAT_PACKAGES: 'dep', AWAITWHAT_MAX_FILE_BYTES: '100', AWAITWHAT_MAX_FRAMES: '0x10', AWAITWHAT_OMIT_TEXT: 'false' }, good.warn),
      { include: ['a/**'], packages: ['dep'], maxFileBytes: 100, maxFrames: 16, omitText: false },
    );
    assert.deepEqual(good.warnings, []);
    const bad = collect();
    assert.deepEqual(hookOptionsFromEnv({ AWAITWHAT_INCLUDE: 'ok,[', AWAITWHAT_PACKAGES: '../evil', AWAITWHAT_MAX_FILE_BYTES: 'lots', AWAITWHAT_MAX_FRAMES: '-3', AWAITWHAT_OMIT_TEXT: 'yes' }, bad.warn), {});
    assert.deepEqual(bad.warnings, [
      'AWAITWHAT_INCLUDE="ok,[" is not valid (expected comma-separated globs); using the default, all files outside node_modules',
      'AWAITWHAT_PACKAGES="../evil" is not valid (expected comma-separated package names); using the default, none',
      'AWAITWHAT_MAX_FILE_BYTES="lots" is not valid (expected an integer >= 1); using the default, 2097152',
      'AWAITWHAT_MAX_FRAMES="-3" is not valid (expected an integer >= 1); using the default, 1000000',
      'AWAITWHAT_OMIT_TEXT="yes" is not valid (expected 1, 0, true or false); using the default, false',
    ]);
  });

  it('validHookOptions: bad options through onWarning, or through the fallback when onWarning itself is bad', () => {
    const c = collect();
    const valid = validHookOptions({ onWarning: c.warn, maxFileBytes: 0, maxTextLength: 1.5, omitText: 'yes', include: ['ok'], exclude: 'x', packages: ['a', 'b c'], cwd: '', maxFrames: 10, cache: 'no', cacheDir: 7, cacheMaxBytes: -1, parser: 'swc' } as never, () => assert.fail('the fallback channel was used'));
    assert.deepEqual({ ...valid, onWarning: valid.onWarning === c.warn }, { onWarning: true, maxFileBytes: 2097152, maxTextLength: 120, omitText: false, include: ['ok'], maxFrames: 10, cache: true, cacheMaxBytes: 268435456, parser: 'auto' });
    assert.deepEqual(c.warnings, [
      'installHooks option maxFileBytes=0 is not valid (expected an integer >= 1); using the default, 2097152',
      'installHooks option maxTextLength=1.5 is not valid (expected an integer >= 1); using the default, 120',
      'installHooks option omitText="yes" is not valid (expected true or false); using the default, false',
      'installHooks option exclude="x" is not valid (expected an array of globs); using the default, none',
      'installHooks option packages=["a", "b c"] is not valid (expected an array of package names); using the default, none',
      'installHooks option cwd="" is not valid (expected a non-empty string); using the default, the working directory',
      'installHooks option cache="no" is not valid (expected true or false); using the default, true',
      'installHooks option cacheDir=7 is not valid (expected a non-empty string); using the default, node_modules/.cache/awaitwhat, else the user cache directory',
      'installHooks option cacheMaxBytes=-1 is not valid (expected an integer >= 1); using the default, 268435456',
      'installHooks option parser="swc" is not valid (expected one of auto, oxc, acorn); using the default, "auto"',
    ]);
    const fallback = collect();
    validHookOptions({ onWarning: 'stderr' } as never, fallback.warn);
    assert.deepEqual(fallback.warnings, ['installHooks option onWarning="stderr" is not valid (expected a function); using the default, a line on stderr']);
  });

  it('node --import awaitwhat/hooks with bad variables: the program runs with the defaults (instrumented), one line per bad value', async () => {
    const r = await run(['--import', join(ROOT, 'dist', 'hooks.js'), join('test', 'fixtures', 'big.mjs')], { env: { ...process.env, AWAITWHAT_MAX_FILE_BYTES: 'lots', AWAITWHAT_EXCLUDE: '{', AWAITWHAT_CACHE: 'maybe', AWAITWHAT_PARSER: 'swc' } });
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      [
        'awaitwhat: 1 pending async function',
        '',
        'wait  test/fixtures/big.mjs:5:3  await new Promise((resolve) => setTimeout(resolve, 150))',
        '└─ new Promise((resolve) => setTimeout(resolve, 150))  — a new Promise at test/fixtures/big.mjs:5',
        '',
      ].join('\n'),
    );
    assert.equal(
      r.stderr,
      [
        'awaitwhat: AWAITWHAT_EXCLUDE="{" is not valid (expected comma-separated globs); using the default, none',
        'awaitwhat: AWAITWHAT_MAX_FILE_BYTES="lots" is not valid (expected an integer >= 1); using the default, 2097152',
        'awaitwhat: AWAITWHAT_CACHE="maybe" is not valid (expected 1, 0, true or false); using the default, true',
        'awaitwhat: AWAITWHAT_PARSER="swc" is not valid (expected one of auto, oxc, acorn); using the default, "auto"',
        '',
      ].join('\n'),
    );
  });

  it('installHooks() with bad options and no onWarning: lines on stderr, and the program goes on', async () => {
    const code = `import { installHooks } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))}; installHooks({ maxFrames: 0, include: 'src' }); console.log('went on');`;
    const r = await run(['--input-type=module', '-e', code], QUIET);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'went on\n');
    assert.equal(
      r.stderr,
      [
        'awaitwhat: installHooks option include="src" is not valid (expected an array of globs); using the default, all files outside node_modules',
        'awaitwhat: installHooks option maxFrames=0 is not valid (expected an integer >= 1); using the default, 1000000',
        '',
      ].join('\n'),
    );
  });
});

describe('OTEL_* variables of awaitwhat/register, read as the SDK reads them', () => {
  const DEFAULTS = {
    disabled: false,
    logLevel: DiagLogLevel.WARN,
    serviceName: undefined,
    resourceAttributes: {},
    sampler: 'parentbased_always_on',
    samplerRatio: 1,
    batch: { scheduledDelayMillis: 5000, exportTimeoutMillis: 30000, maxQueueSize: 2048, maxExportBatchSize: 512 },
    propagators: ['tracecontext', 'baggage'],
    tracesEndpoint: 'http://localhost:4318/v1/traces',
    metrics: { exportIntervalMillis: 60000, exportTimeoutMillis: 30000, explicit: false },
    metricsEndpoint: 'http://localhost:4318/v1/metrics',
  };
  const batch = (changed: Record<string, number>) => ({ batch: { ...DEFAULTS.batch, ...changed } });
  const CASES: [string, Record<string, string>, Record<string, unknown>, string[]][] = [
    ['nothing set', {}, {}, []],
    [
      'a batch size of 0, which NodeSDK refuses too (the batch processor would never let the process exit)',
      { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '0' },
      {},
      ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE="0" is not valid (expected an integer >= 1); using the default, 512'],
    ],
    [
      'sizes that the SDK accepts but that hang it (0.5), delays Node.js cannot time',
      { OTEL_BSP_MAX_QUEUE_SIZE: '0.5', OTEL_BSP_SCHEDULE_DELAY: '3000000000', OTEL_BSP_EXPORT_TIMEOUT: '-1' },
      {},
      [
        'OTEL_BSP_SCHEDULE_DELAY="3000000000" is not valid (expected a number > 0 and <= 2147483647); using the default, 5000',
        'OTEL_BSP_EXPORT_TIMEOUT="-1" is not valid (expected a number > 0 and <= 2147483647); using the default, 30000',
        'OTEL_BSP_MAX_QUEUE_SIZE="0.5" is not valid (expected an integer >= 1); using the default, 2048',
      ],
    ],
    ['numbers as Number() reads them: spaces, exponents, hexadecimal; blank is unset', { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: ' 64 ', OTEL_BSP_SCHEDULE_DELAY: '1e3', OTEL_BSP_MAX_QUEUE_SIZE: '0x100', OTEL_BSP_EXPORT_TIMEOUT: '  ' }, batch({ maxExportBatchSize: 64, scheduledDelayMillis: 1000, maxQueueSize: 256 }), []],
    ['OTEL_SDK_DISABLED: true or false in any case, spaces ignored', { OTEL_SDK_DISABLED: ' TRUE ' }, { disabled: true }, []],
    ['OTEL_SDK_DISABLED=1 is not a boolean to the SDK', { OTEL_SDK_DISABLED: '1' }, {}, ['OTEL_SDK_DISABLED="1" is not valid (expected true or false); using the default, false']],
    ['OTEL_LOG_LEVEL in any case', { OTEL_LOG_LEVEL: 'debug' }, { logLevel: DiagLogLevel.DEBUG }, []],
    ['an unknown OTEL_LOG_LEVEL', { OTEL_LOG_LEVEL: 'loud' }, {}, ['OTEL_LOG_LEVEL="loud" is not valid (expected one of ALL, VERBOSE, DEBUG, INFO, WARN, ERROR, NONE); using the default, WARN']],
    ['a ratio sampler reads its argument', { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }, { sampler: 'parentbased_traceidratio', samplerRatio: 0.25 }, []],
    ['a ratio outside [0, 1]', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }, { sampler: 'traceidratio' }, ['OTEL_TRACES_SAMPLER_ARG="2" is not valid (expected a number >= 0 and <= 1); using the default, 1']],
    ['other samplers do not read the argument', { OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_SAMPLER_ARG: 'x' }, { sampler: 'always_off' }, []],
    [
      'sampler names are compared exactly, as the SDK compares them',
      { OTEL_TRACES_SAMPLER: ' always_on' },
      {},
      ['OTEL_TRACES_SAMPLER=" always_on" is not valid (expected one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio); using the default, parentbased_always_on'],
    ],
    ['resource attributes: trimmed, percent-decoded, empty entries skipped', { OTEL_RESOURCE_ATTRIBUTES: ',a = 1,,b=%20x%2C ,', OTEL_SERVICE_NAME: 'svc' }, { resourceAttributes: { a: '1', b: ' x,' }, serviceName: 'svc' }, []],
    [
      'one bad resource attribute discards them all, as in the SDK',
      { OTEL_RESOURCE_ATTRIBUTES: 'a=1,b=c=d' },
      {},
      ['OTEL_RESOURCE_ATTRIBUTES="a=1,b=c=d" is not valid (expected comma-separated key=value pairs, percent-encoded, each key and value at most 255 characters); using the default, none'],
    ],
    [
      'bad percent-encoding',
      { OTEL_RESOURCE_ATTRIBUTES: 'a=%E0%A4%A' },
      {},
      ['OTEL_RESOURCE_ATTRIBUTES="a=%E0%A4%A" is not valid (expected comma-separated key=value pairs, percent-encoded, each key and value at most 255 characters); using the default, none'],
    ],
    ['a value of 255 characters', { OTEL_RESOURCE_ATTRIBUTES: `k=${'v'.repeat(255)}` }, { resourceAttributes: { k: 'v'.repeat(255) } }, []],
    [
      'a value of 256 characters',
      { OTEL_RESOURCE_ATTRIBUTES: `k=${'v'.repeat(256)}` },
      {},
      [`OTEL_RESOURCE_ATTRIBUTES="k=${'v'.repeat(256)}" is not valid (expected comma-separated key=value pairs, percent-encoded, each key and value at most 255 characters); using the default, none`],
    ],
    ['a blank service name is unset', { OTEL_SERVICE_NAME: ' ' }, {}, []],
    ['OTEL_PROPAGATORS=none installs none; names are deduplicated', { OTEL_PROPAGATORS: 'none' }, { propagators: [] }, []],
    ['OTEL_PROPAGATORS: a list', { OTEL_PROPAGATORS: 'baggage, baggage' }, { propagators: ['baggage'] }, []],
    [
      'OTEL_PROPAGATORS with a propagator register does not provide',
      { OTEL_PROPAGATORS: 'tracecontext,b3' },
      {},
      ['OTEL_PROPAGATORS="tracecontext,b3" is not valid (expected comma-separated propagator names among tracecontext, baggage, none); using the default, tracecontext,baggage'],
    ],
    ['the traces endpoint from the base endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { tracesEndpoint: 'http://collector:4318/v1/traces', metricsEndpoint: 'http://collector:4318/v1/metrics' }, []],
    ['the traces endpoint given', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:1/x' }, { tracesEndpoint: 'http://other:1/x', metricsEndpoint: 'http://collector:4318/v1/metrics' }, []],
    ['the metrics endpoint given', { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://other:2/m' }, { metricsEndpoint: 'http://other:2/m' }, []],
    ['OTEL_METRICS_EXPORTER=none exports no metrics', { OTEL_METRICS_EXPORTER: 'none', OTEL_METRIC_EXPORT_INTERVAL: 'x' }, { metrics: undefined }, []],
    ['OTEL_METRICS_EXPORTER=otlp, said explicitly', { OTEL_METRICS_EXPORTER: ' otlp ' }, { metrics: { exportIntervalMillis: 60000, exportTimeoutMillis: 30000, explicit: true } }, []],
    [
      'OTEL_METRICS_EXPORTER with an exporter register does not provide',
      { OTEL_METRICS_EXPORTER: 'prometheus' },
      { metrics: { exportIntervalMillis: 60000, exportTimeoutMillis: 30000, explicit: true } },
      ['OTEL_METRICS_EXPORTER="prometheus" is not valid (expected comma-separated metric exporter names among otlp, none); using the default, otlp'],
    ],
    ['a short export interval cuts the default timeout to it, silently (as NodeSDK)', { OTEL_METRIC_EXPORT_INTERVAL: '1000' }, { metrics: { exportIntervalMillis: 1000, exportTimeoutMillis: 1000, explicit: false } }, []],
    [
      'an export timeout set longer than the interval is cut to it, with a warning (the SDK refuses it)',
      { OTEL_METRIC_EXPORT_INTERVAL: '1000', OTEL_METRIC_EXPORT_TIMEOUT: '5000' },
      { metrics: { exportIntervalMillis: 1000, exportTimeoutMillis: 1000, explicit: false } },
      ['OTEL_METRIC_EXPORT_TIMEOUT=5000 is longer than the export interval (1000 ms, OTEL_METRIC_EXPORT_INTERVAL); using 1000'],
    ],
    ['OTEL_SDK_DISABLED=false, in any case: no warning', { OTEL_SDK_DISABLED: ' False ' }, { disabled: false }, []],
    ['resource attributes: an entry of spaces only is skipped too', { OTEL_RESOURCE_ATTRIBUTES: 'a=1, ,b=2' }, { resourceAttributes: { a: '1', b: '2' } }, []],
    [
      'a resource attribute whose key is only spaces',
      { OTEL_RESOURCE_ATTRIBUTES: 'a=1, =v' },
      {},
      ['OTEL_RESOURCE_ATTRIBUTES="a=1, =v" is not valid (expected comma-separated key=value pairs, percent-encoded, each key and value at most 255 characters); using the default, none'],
    ],
    ['a key of 255 characters', { OTEL_RESOURCE_ATTRIBUTES: `${'k'.repeat(255)}=v` }, { resourceAttributes: { ['k'.repeat(255)]: 'v' } }, []],
    [
      'a key of 256 characters',
      { OTEL_RESOURCE_ATTRIBUTES: `${'k'.repeat(256)}=v` },
      {},
      [`OTEL_RESOURCE_ATTRIBUTES="${'k'.repeat(256)}=v" is not valid (expected comma-separated key=value pairs, percent-encoded, each key and value at most 255 characters); using the default, none`],
    ],
    ['an export timeout equal to the interval is kept, silently', { OTEL_METRIC_EXPORT_INTERVAL: '1000', OTEL_METRIC_EXPORT_TIMEOUT: '1000' }, { metrics: { exportIntervalMillis: 1000, exportTimeoutMillis: 1000, explicit: false } }, []],
    ['a blank export timeout is unset: the default, cut to a short interval silently', { OTEL_METRIC_EXPORT_INTERVAL: '1000', OTEL_METRIC_EXPORT_TIMEOUT: '  ' }, { metrics: { exportIntervalMillis: 1000, exportTimeoutMillis: 1000, explicit: false } }, []],
    ['a blank OTEL_METRICS_EXPORTER is unset, not said explicitly', { OTEL_METRICS_EXPORTER: '  ' }, {}, []],
    ['a traces endpoint that is no URL: the base endpoint instead', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { tracesEndpoint: 'http://collector:4318/v1/traces', metricsEndpoint: 'http://collector:4318/v1/metrics' }, []],
    ['a base endpoint ending in a slash gets no second one', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, { tracesEndpoint: 'http://collector:4318/v1/traces', metricsEndpoint: 'http://collector:4318/v1/metrics' }, []],
    // `http:/` is no URL (no host), though `http:/v1/traces` is one (http://v1/traces): the base must parse by itself.
    ['a base endpoint that is no URL, even once the path is appended: localhost', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http:/' }, {}, []],
    [
      'an export interval of 0',
      { OTEL_METRIC_EXPORT_INTERVAL: '0' },
      {},
      ['OTEL_METRIC_EXPORT_INTERVAL="0" is not valid (expected a number > 0 and <= 2147483647); using the default, 60000'],
    ],
  ];
  for (const [name, env, changed, warnings] of CASES) {
    it(`readSdkSettings: ${name}`, () => {
      const c = collect();
      assert.deepEqual(readSdkSettings(env, c.warn), { ...DEFAULTS, ...changed });
      assert.deepEqual(c.warnings, warnings);
    });
  }
});
