// Loads and validates the corpus files. Shared by corpus.test.ts and report.mjs so both
// judge the same cases; a malformed line is an error naming file:line and the field.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

/** The kinds of evasive case, from issue 10's "What got through". README.md says what each means. */
export const KINDS = Object.freeze([
  'promotion/colon-id',
  'promotion/same-as-phone',
  'promotion/direction',
  'promotion/surface',
  'promotion/english',
  'promotion/possession',
  'promotion/euphemism',
  'promotion/noise-inside-name',
  'promotion/traditional',
  'promotion/homophone-strong-context',
  'link/one-slash',
  'link/backslash',
  'link/cjk-host',
  'link/dot-lookalike',
  'link/invisible',
  'link/redirect',
  'link/mini-program',
  'payload/duplicate-key',
]);

export class CorpusError extends Error {
  name = 'CorpusError';
}

const EVASIVE_KEYS = ['id', 'kind', 'message', 'twin', 'why'];
const ORDINARY_KEYS = ['id', 'message'];

/** A message is an object (the payload) or a string (raw JSON text or a form body). */
function checkMessage(value, where, field) {
  if (typeof value === 'string') {
    if (value.length === 0) throw new CorpusError(`${where}: "${field}" is an empty string`);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CorpusError(`${where}: "${field}" must be a message object or a raw string, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  if (typeof value.type !== 'string') throw new CorpusError(`${where}: "${field}.type" must be a string`);
  if (value.data === undefined) throw new CorpusError(`${where}: "${field}.data" is missing`);
}

function readLines(file, keys, each) {
  const name = basename(file);
  const text = readFileSync(file, 'utf8');
  const rows = [];
  const ids = new Map();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const where = `${name}:${i + 1}`;
    if (line.trim() === '') throw new CorpusError(`${where}: empty line`);
    let row;
    try {
      row = JSON.parse(line);
    } catch (err) {
      throw new CorpusError(`${where}: not valid JSON (${err.message})`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new CorpusError(`${where}: a line must be a JSON object`);
    for (const k of Object.keys(row)) if (!keys.includes(k)) throw new CorpusError(`${where}: unknown field "${k}" (allowed: ${keys.join(', ')})`);
    if (typeof row.id !== 'string' || row.id === '') throw new CorpusError(`${where}: "id" must be a non-empty string`);
    if (ids.has(row.id)) throw new CorpusError(`${where}: id "${row.id}" already used on line ${ids.get(row.id)}`);
    ids.set(row.id, i + 1);
    each(row, where);
    rows.push({ ...row, line: i + 1 });
  });
  return rows;
}

export function loadEvasive(file = join(CORPUS_DIR, 'evasive.jsonl')) {
  return readLines(file, EVASIVE_KEYS, (row, where) => {
    if (!KINDS.includes(row.kind)) throw new CorpusError(`${where}: "kind" ${JSON.stringify(row.kind)} is not one of the kinds in load.mjs`);
    checkMessage(row.message, where, 'message');
    checkMessage(row.twin, where, 'twin');
    if (typeof row.why !== 'string' || row.why.trim() === '') throw new CorpusError(`${where}: "why" must be a short non-empty reason`);
  });
}

export function loadOrdinary(file = join(CORPUS_DIR, 'ordinary.jsonl')) {
  return readLines(file, ORDINARY_KEYS, (row, where) => checkMessage(row.message, where, 'message'));
}
