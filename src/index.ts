export * from './findings.js';
export * from './context.js';
export type * from './links/types.js';
