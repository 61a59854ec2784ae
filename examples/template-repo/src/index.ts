// The package's public surface: reply builders import from here, never from links.ts directly.
export * from './links.js';
export { FLASH_SALE as PROMO } from './links.js';
