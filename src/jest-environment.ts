/**
 * `awaitwhat/jest/environment`: Jest's test environment entry (see
 * src/runners/jest/environment.ts). Jest loads it with `require` and takes its default export
 * (`__esModule`), as for Babel's output.
 */

import AwaitwhatEnvironment from './runners/jest/environment.ts';

export const __esModule = true;
export default AwaitwhatEnvironment;
