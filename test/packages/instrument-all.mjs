/**
 * A preload (`node --import`) that instruments every file, as AWAITWHAT_INCLUDE='**' does, but
 * through `installHooks()` options instead of the environment: the processes the program starts
 * (a test that spawns a CLI run) inherit no awaitwhat setting, and behave as they would without it.
 */

import { installHooks } from '../../dist/index.js';

installHooks({ include: ['**'] });
