export { findLinks, scanPath, trimTrailing } from './find.js';
export { canonicalize } from './canonicalize.js';
export { suffixFacts, hostTypeOf, isKnownTld, dnsShaped } from './judge.js';
export { FindLinksOptionsSchema, DEFAULT_FIND_LINKS_OPTIONS, type FindLinksOptions, type ResolvedFindLinksOptions } from './options.js';
export { FOLD_KINDS, type FoldKind, type FoundLink, type HostType, type LinkForm } from './types.js';
