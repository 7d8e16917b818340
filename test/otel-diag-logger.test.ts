/**
 * The diag logger of `awaitwhat/register` (src/otel/diag-logger.ts): each warning or error once
 * (numbers blurred), the SDK's dropped-spans messages silent while the exporter is failing,
 * awaitwhat's component messages on one line; the safe writers never throw.
 */

import assert from 'node:assert/strict';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { describe, it } from 'node:test';
import { errorSafely, OutageAwareLogger, warnSafely } from '../dist/otel/diag-logger.js';

function recorder(): { lines: unknown[][]; logger: DiagLogger } {
  const lines: unknown[][] = [];
  const at = (level: string) => (...args: unknown[]) => void lines.push([level, ...args]);
  return { lines, logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), verbose: at('verbose') } };
}

describe('OutageAwareLogger', () => {
  it('warnings and errors once each, numbers blurred; info, debug and verbose every time; awaitwhat\'s component messages on one line', () => {
    const { lines, logger } = recorder();
    const log = new OutageAwareLogger(logger);
    log.warn('export failed after 3 tries', { extra: 1 });
    log.warn('export failed after 4 tries');
    log.error('export failed after 3 tries');
    log.error('another error');
    log.error('another error');
    log.warn('awaitwhat', 'the sampler failed', 2);
    log.warn('awaitwhat', 'the sampler failed', 3);
    log.warn('awaitwhat', 42);
    log.warn('sdk', 'not awaitwhat\'s');
    log.warn('retry 12 of 20');
    log.warn('retry 7 of 20');
    log.warn('exporter v2');
    log.warn('exporter v');
    log.info('awaitwhat', 'started');
    log.info('awaitwhat', 'started');
    log.debug('d', 1);
    log.verbose('awaitwhat', 'v');
    assert.deepEqual(lines, [
      ['warn', 'export failed after 3 tries', { extra: 1 }],
      ['error', 'another error'],
      ['warn', 'awaitwhat: the sampler failed', 2],
      ['warn', 'awaitwhat', 42],
      ['warn', 'sdk', "not awaitwhat's"],
      ['warn', 'retry 12 of 20'],
      ['warn', 'exporter v2'],
      ['warn', 'exporter v'],
      ['info', 'awaitwhat: started'],
      ['info', 'awaitwhat: started'],
      ['debug', 'd', 1],
      ['verbose', 'awaitwhat: v'],
    ]);
  });

  it('while the watched exporter fails, the SDK\'s dropped-spans messages are left out, not remembered; other messages as usual', () => {
    const { lines, logger } = recorder();
    const log = new OutageAwareLogger(logger);
    const exporter = { failing: true };
    log.watch(exporter);
    log.warn('Dropped 12 spans because maxQueueSize reached');
    log.error('Dropped 3 spans');
    log.warn('not Dropped 3 spans');
    exporter.failing = false;
    log.warn('Dropped 5 spans because maxQueueSize reached');
    log.warn('Dropped 6 spans because maxQueueSize reached');
    assert.deepEqual(lines, [
      ['warn', 'not Dropped 3 spans'],
      ['warn', 'Dropped 5 spans because maxQueueSize reached'],
    ]);
  });
});

describe('warnSafely() and errorSafely()', () => {
  it('write through diag as awaitwhat, and never throw, even when the logger does', () => {
    const { lines, logger } = recorder();
    diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
    try {
      warnSafely('a warning');
      errorSafely('an error');
      assert.deepEqual(lines, [
        ['warn', 'awaitwhat', 'a warning'],
        ['error', 'awaitwhat', 'an error'],
      ]);
      const throwing = () => {
        throw new Error('logger down');
      };
      diag.setLogger({ error: throwing, warn: throwing, info: throwing, debug: throwing, verbose: throwing }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
      assert.doesNotThrow(() => warnSafely('x'));
      assert.doesNotThrow(() => errorSafely('x'));
    } finally {
      diag.disable();
    }
  });
});
