// What of Jest's and Node's globals the fixtures use (the project has no @types packages of its
// own; "types": [] keeps TypeScript from taking those of the folders above it).
declare function describe(name: string, fn: () => void): void;
declare function test(name: string, fn: () => unknown, timeout?: number): void;
declare function expect(value: unknown): { toBe(expected: unknown): void };
declare function setTimeout(callback: () => void, ms: number): unknown;
