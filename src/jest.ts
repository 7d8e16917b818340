/**
 * `awaitwhat/jest`: Jest's transformer entry (see src/runners/jest/transformer.ts). Jest loads a
 * transformer with `require` and takes its default export (`__esModule`), as for Babel's output.
 */

import { createTransformer } from './runners/jest/transformer.ts';

export type { AwaitwhatJestOptions } from './runners/jest/transformer.ts';
export { createTransformer };
export const __esModule = true;
export default { createTransformer };
