/**
 * `node --import awaitwhat/hooks app.js`: instruments the application as it loads, so that
 * `snapshot()` (from `awaitwhat`) sees its pending async functions. Configured by environment:
 * AWAITWHAT_INCLUDE, AWAITWHAT_EXCLUDE, AWAITWHAT_PACKAGES (comma-separated globs or names),
 * AWAITWHAT_MAX_FILE_BYTES, AWAITWHAT_MAX_FRAMES, AWAITWHAT_OMIT_TEXT=1.
 */

import { installHooks } from './hooks/install.ts';
import { hookOptionsFromEnv } from './hooks/env.ts';

installHooks(hookOptionsFromEnv(process.env));
