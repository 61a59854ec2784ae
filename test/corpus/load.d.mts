export declare const CORPUS_DIR: string;
export declare const KINDS: readonly string[];
export declare class CorpusError extends Error {}
export interface EvasiveCase {
  id: string;
  kind: string;
  message: unknown;
  twin: unknown;
  why: string;
  /** 1-based line in the file. */
  line: number;
}
export interface OrdinaryCase {
  id: string;
  message: unknown;
  line: number;
}
export declare function loadEvasive(file?: string): EvasiveCase[];
export declare function loadOrdinary(file?: string): OrdinaryCase[];
