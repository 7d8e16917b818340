export const MINIMUM_NODE = '22.15.0';

export class UnsupportedNodeError extends Error {
  constructor(found: string) {
    super(
      `awaitwhat needs Node.js >= ${MINIMUM_NODE} (for module.registerHooks), but this is Node.js ${found}. ` +
        'Install a newer Node.js, or run through the project\'s pinned one (npx awaitwhat …).',
    );
    this.name = 'UnsupportedNodeError';
  }
}

/** Throws `UnsupportedNodeError` when the running Node.js cannot host the load hooks. */
export function checkNodeVersion(version: string = process.versions.node): void {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [minMajor, minMinor] = MINIMUM_NODE.split('.').map(Number) as [number, number];
  const tooOld = major < minMajor || (major === minMajor && minor < minMinor);
  if (tooOld || typeof (process.getBuiltinModule?.('node:module') as { registerHooks?: unknown } | undefined)?.registerHooks !== 'function') {
    throw new UnsupportedNodeError(version);
  }
}
