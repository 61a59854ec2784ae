import type { z } from 'zod';
import { childPath, finding, formatPath, type Finding, type Localized, type RuleId } from '../findings.js';
import { isRuleId } from '../registry.js';
import { decodeDataString } from './data.js';
import { fastContent, fastPayload } from './fast.js';
import { parseJsonExact, type DuplicateKey, type TextPosition } from './json.js';
import { DATA_SCHEMAS, EnvelopeSchema, KNOWN_KEYS, PAYLOAD_TYPES, type Content, type Payload, type PayloadType } from './schema.js';

export interface ParsedMessage {
  /** The validated payload, or null when its shape is wrong (then `findings` says why). */
  payload: Payload | null;
  /** The message type when it is a known one, even if the rest is invalid. */
  type: PayloadType | null;
  /** Type and valid data even when the envelope (receiver_id…) is wrong, so limits are still checked. */
  content: Content | null;
  /**
   * The decoded `data` object as given, even when the schema refused it, so link and
   * competitor checks still report on every string that is there.
   */
  data: Record<string, unknown> | null;
  findings: Finding[];
  /**
   * Content strings a duplicate key hides from `data` (the earlier value of `text`, a
   * first `data`, the articles of a first `type`): a server that reads them would send
   * them, so the content rules judge them as well. Empty unless a key is duplicated.
   */
  hidden: readonly HiddenContent[];
}

/** One hidden content string, judged at `path` like the visible one; `note` is added to its findings' messages. */
export interface HiddenContent {
  path: string;
  text: string;
  kind: 'text' | 'url';
  note: Localized;
}

/**
 * A message already read from JSON text (the CLI reads a JSON Lines line once to see
 * whether it wraps the message): its value, the text, the duplicate keys found in the
 * text, and the path of the message inside it (`message` for a wrapper, else '').
 * Positions stay those of the whole text, so they name columns of the line.
 */
export class JsonMessage {
  constructor(
    readonly value: unknown,
    readonly text: string,
    readonly duplicates: readonly DuplicateKey[],
    readonly root: string = '',
  ) {}
}

/** A duplicate key wherever it was found, with positions in the text the user wrote. */
interface Duplicate {
  key: string;
  /** Path relative to the message. */
  path: string;
  first: TextPosition | number;
  second: TextPosition | number;
  /** Where the positions point: the message text, data's JSON text, the form body. */
  where: 'json' | 'data' | 'data-encoded' | 'form';
  /** The hidden earlier value, read only when it can hold content. */
  hidden: () => unknown;
}

const NO_HIDDEN: readonly HiddenContent[] = Object.freeze([]);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A message arrives as parsed JS, as raw JSON text (int64 digits kept exactly), or as
 * the `application/x-www-form-urlencoded` body the API itself takes.
 */
export function messageFromText(raw: string): { ok: true; value: unknown; duplicates: Duplicate[] } | { ok: false; message: string } {
  // A byte-order mark from a Windows editor is not part of the JSON.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.trimStart().startsWith('{')) {
    const read = parseJsonExact(text);
    return read.ok ? { ok: true, value: read.value, duplicates: fromJson(read.duplicates, text, '', 'json') } : read;
  }
  if (/^[\w%.+-]+=/.test(text)) return formBody(text);
  return { ok: false, message: 'is neither a JSON object nor a form body (type=…&data=…)' };
}

/**
 * A form body as URLSearchParams reads it (the last of two equal names wins, as in JSON),
 * with every repeated name reported at the offsets of both `name=value` pairs.
 */
function formBody(text: string): { ok: true; value: Record<string, string>; duplicates: Duplicate[] } {
  const trimmed = text.trim();
  const lead = text.length - text.trimStart().length;
  const pairs = [...new URLSearchParams(trimmed)];
  const duplicates: Duplicate[] = [];
  if (pairs.length > 1) {
    // URLSearchParams skips empty pairs; so do these offsets, one per pair it returns.
    const offsets: number[] = [];
    for (let at = 0; at <= trimmed.length; ) {
      let end = trimmed.indexOf('&', at);
      if (end === -1) end = trimmed.length;
      if (end > at) offsets.push(lead + at);
      at = end + 1;
    }
    const seen = new Map<string, number>();
    pairs.forEach(([key], i) => {
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        const hidden = pairs[earlier]![1];
        duplicates.push({ key, path: key, first: offsets[earlier]!, second: offsets[i]!, where: 'form', hidden: () => hidden });
      }
      seen.set(key, i);
    });
  }
  return { ok: true, value: Object.fromEntries(pairs), duplicates };
}

/** Paths whose value can hold a content string, from the message down to one article field. */
const CONTENT_PATH = /^(?:data(?:\.text|\.articles(?:\[\d+\](?:\.(?:display_name|summary|url|image))?)?)?)?$/;

/** JSON duplicates relative to the message: `root` is stripped, `base` prefixed (data's own text). */
function fromJson(found: readonly DuplicateKey[], text: string, base: string, where: Duplicate['where'], root = ''): Duplicate[] {
  const out: Duplicate[] = [];
  for (const d of found) {
    let path = d.path;
    if (root !== '') {
      if (path === root) path = '';
      else if (path.startsWith(`${root}.`)) path = path.slice(root.length + 1);
      else continue;
    }
    path = base === '' ? path : path === '' ? base : `${base}.${path}`;
    const { start, end } = d.value;
    out.push({ key: d.key, path, first: d.first, second: d.second, where, hidden: () => (CONTENT_PATH.test(path) || path === 'type' ? JSON.parse(text.slice(start, end)) : undefined) });
  }
  return out;
}

export function parseMessage(message: unknown): ParsedMessage {
  let value = message;
  let duplicates: Duplicate[] = [];
  if (typeof message === 'string') {
    const read = messageFromText(message);
    if (!read.ok) return failed(finding('payload/invalid-json', 'error', { en: `Message is not valid JSON: ${read.message}`, zh: unreadableZh(read.message) }, ''));
    value = read.value;
    duplicates = read.duplicates;
  } else if (message instanceof JsonMessage) {
    value = message.value;
    duplicates = fromJson(message.duplicates, message.text, '', 'json', message.root);
  }
  if (!isRecord(value)) {
    return failed(finding('payload/not-object', 'error', { en: 'A message must be an object with type and data', zh: '消息必须是包含 type 和 data 的对象' }, ''));
  }
  const type = (PAYLOAD_TYPES as readonly unknown[]).includes(value.type) ? (value.type as PayloadType) : null;
  const fast = type && duplicates.length === 0 ? fastPath(value, type) : null;
  if (fast) return fast;
  const findings: Finding[] = [];
  const envelope = EnvelopeSchema.safeParse(value);
  if (!envelope.success) findings.push(...issuesToFindings(envelope.error.issues.filter((i) => i.path[0] !== 'data'), value, null, []));
  let data: Record<string, unknown> | null = null;
  let content: Content | null = null;
  if (typeof value.data === 'string') {
    const decoded = decodeDataString(value.data);
    if (decoded.ok && isRecord(decoded.value)) {
      data = decoded.value;
      for (const d of fromJson(decoded.duplicates, decoded.json, 'data', decoded.encoded ? 'data-encoded' : 'data')) duplicates.push(d);
    } else {
      const why = decoded.ok ? 'must be a JSON object, URL-encoded' : decoded.message;
      findings.push(finding('payload/data-encoding', 'error', { en: `data ${why}`, zh: `data ${RULES['payload/data-encoding']!.zh}` }, 'data'));
    }
  } else if (isRecord(value.data)) data = value.data;
  else findings.push(...issuesToFindings([{ code: 'invalid_type', expected: 'object', path: [], message: '', input: value.data }], value, null, ['data']));
  if (type && data) {
    const parsed = DATA_SCHEMAS[type].safeParse(data);
    if (parsed.success) content = { type, data: parsed.data } as Content;
    else findings.push(...issuesToFindings(parsed.error.issues, data, data, ['data']));
  }
  unknownKeys(value, type, data, findings);
  const payload = envelope.success && content ? ({ ...envelope.data, data: content.data } as Payload) : null;
  if (duplicates.length === 0) return { payload, type, content, data, findings, hidden: NO_HIDDEN };
  for (const d of duplicates) findings.push(duplicateFinding(d));
  return { payload, type, content, data, findings, hidden: hiddenContent(duplicates, type, data) };
}

function at(p: TextPosition | number): { en: string; zh: string } {
  if (typeof p === 'number') return { en: `offset ${p}`, zh: `偏移 ${p}` };
  return { en: `offset ${p.offset} (line ${p.line}, column ${p.column})`, zh: `偏移 ${p.offset}（第 ${p.line} 行第 ${p.column} 列）` };
}

const WHERE: Record<Duplicate['where'], { en: string; zh: string }> = {
  json: { en: '', zh: '' },
  data: { en: " of data's JSON text", zh: '（data 的 JSON 文本中）' },
  'data-encoded': { en: ' of the decoded data', zh: '（URL 解码后的 data 中）' },
  form: { en: ' of the form body', zh: '（表单正文中）' },
};

const offsetOf = (p: TextPosition | number): number => (typeof p === 'number' ? p : p.offset);

/** The finding for a duplicate key of JSON text, at its path in that text (the CLI reports a JSON Lines wrapper's own this way). */
export function duplicateKeyFinding(d: DuplicateKey): Finding {
  return duplicateFinding({ key: d.key, path: d.path, first: d.first, second: d.second, where: 'json', hidden: () => undefined });
}

function duplicateFinding(d: Duplicate): Finding {
  const a = at(d.first);
  const b = at(d.second);
  const w = WHERE[d.where];
  const where = d.path === '' ? 'the top level' : d.path;
  return finding(
    'payload/duplicate-key',
    'error',
    {
      en: `Duplicate key "${d.key}" at ${where}: first at ${a.en}, again at ${b.en}${w.en}. Parsers disagree on which value counts (JSON.parse keeps the last, others the first), so what is checked may not be what is sent`,
      zh: `键“${d.key}”在 ${d.path === '' ? '顶层' : d.path} 重复：第一次在${a.zh}，第二次在${b.zh}${w.zh}。不同的解析器取值不同（有的取最后一个，有的取第一个），检查的内容可能不是发送的内容`,
    },
    d.path,
    { evidence: { text: d.key, detail: `duplicate key at offsets ${offsetOf(d.first)} and ${offsetOf(d.second)}${w.en}` } },
  );
}

/** The content strings below `path` in a hidden value, walking only the shapes that hold content. */
function collectContent(path: string, value: unknown, out: Array<{ path: string; text: string; kind: 'text' | 'url' }>): void {
  if (path === '') {
    if (isRecord(value)) collectContent('data', value.data, out);
    return;
  }
  if (path === 'data') {
    let data = value;
    if (typeof data === 'string') {
      const d = decodeDataString(data);
      data = d.ok ? d.value : undefined;
    }
    if (!isRecord(data)) return;
    collectContent('data.text', data.text, out);
    collectContent('data.articles', data.articles, out);
    return;
  }
  if (path === 'data.text') {
    if (typeof value === 'string') out.push({ path, text: value, kind: 'text' });
    return;
  }
  if (path === 'data.articles') {
    if (Array.isArray(value)) value.forEach((a, i) => collectContent(`data.articles[${i}]`, a, out));
    return;
  }
  const field = /\.(display_name|summary|url|image)$/.exec(path);
  if (field === null) {
    if (isRecord(value)) for (const key of ARTICLE_FIELDS) collectContent(`${path}.${key}`, value[key], out);
    return;
  }
  if (typeof value === 'string') out.push({ path, text: value, kind: field[1] === 'url' || field[1] === 'image' ? 'url' : 'text' });
}

const ARTICLE_FIELDS = ['display_name', 'summary', 'url', 'image'] as const;

/** Every content string a duplicate key hides, once, skipping what the gate judges anyway. */
function hiddenContent(duplicates: readonly Duplicate[], type: PayloadType | null, data: Record<string, unknown> | null): readonly HiddenContent[] {
  const visible = new Map<string, string>();
  const judged: Array<{ path: string; text: string; kind: 'text' | 'url' }> = [];
  if (data && type !== 'position') collectContent('data', data, judged);
  for (const c of judged) if ((type === 'text' && c.path === 'data.text') || (type === 'articles' && c.path !== 'data.text')) visible.set(c.path, c.text);
  const out: HiddenContent[] = [];
  const seen = new Set<string>();
  const add = (items: Array<{ path: string; text: string; kind: 'text' | 'url' }>, note: Localized) => {
    for (const c of items) {
      const key = `${c.path}\0${c.text}`;
      if (visible.get(c.path) === c.text || seen.has(key)) continue;
      seen.add(key);
      out.push({ ...c, note });
    }
  };
  for (const d of duplicates) {
    if (d.path === 'type') {
      // Another type makes other fields of data the content: judge all of them.
      add(judged, { en: ' (read with the other value of the duplicate key type)', zh: '（按重复键 type 的另一个值读取）' });
      continue;
    }
    if (!CONTENT_PATH.test(d.path)) continue;
    const items: Array<{ path: string; text: string; kind: 'text' | 'url' }> = [];
    collectContent(d.path, d.hidden(), items);
    add(items, { en: ` (in a value hidden by the duplicate key ${d.path === '' ? d.key : d.path})`, zh: `（位于被重复键 ${d.path === '' ? d.key : d.path} 遮蔽的值中）` });
  }
  return out;
}

/** A plainly valid message, checked by hand (src/payload/fast.ts); null sends it through zod for the details. */
function fastPath(value: Record<string, unknown>, type: PayloadType): ParsedMessage | null {
  const data = decodedData(value.data);
  if (!data) return null;
  const content = fastContent(type, data);
  if (!content) return null;
  const payload = fastPayload(value, type, content);
  return payload ? { payload, type, content, data, findings: [], hidden: NO_HIDDEN } : null;
}

function failed(f: Finding): ParsedMessage {
  return { payload: null, type: null, content: null, data: null, findings: [f], hidden: NO_HIDDEN };
}

function decodedData(data: unknown): Record<string, unknown> | null {
  if (typeof data === 'string') {
    const d = decodeDataString(data);
    // Duplicates inside data are reported by the full path.
    return d.ok && isRecord(d.value) && d.duplicates.length === 0 ? d.value : null;
  }
  return isRecord(data) ? data : null;
}

/** The value at a zod issue path (relative to `data` when `inData`). */
function valueAt(root: Record<string, unknown>, data: Record<string, unknown> | null, path: ReadonlyArray<PropertyKey>, inData: boolean): unknown {
  let v: unknown = inData ? data : root;
  for (let i = 0; i < path.length; i++) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[path[i]!];
  }
  return v;
}

/**
 * The parser's reasons are English (V8's JSON.parse); the Chinese message says what
 * and where without them.
 */
function unreadableZh(message: string): string {
  if (message.startsWith('is neither')) return '消息既不是 JSON 对象，也不是表单（type=…&data=…）';
  const at = /at position (\d+)/.exec(message);
  if (at) return `消息不是有效的 JSON（位置 ${at[1]}）`;
  return /end of JSON input/.test(message) ? '消息不是有效的 JSON（内容不完整）' : '消息不是有效的 JSON';
}

/** zod's type names (issue.expected, typeof) in Chinese. */
const TYPE_ZH: Record<string, string> = { string: '字符串', number: '数字', bigint: '大整数', boolean: '布尔值', object: '对象', array: '数组', int: '整数', undefined: '未定义', symbol: '符号', function: '函数' };
const typeZh = (t: string): string => TYPE_ZH[t] ?? '有效值';

function describeZh(v: unknown): string {
  if (v === null) return '空值';
  if (Array.isArray(v)) return '数组';
  return typeZh(typeof v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** zod issues → findings; `prefix` places issues of a sub-schema (data) in the whole payload. */
function issuesToFindings(issues: ReadonlyArray<z.core.$ZodIssue>, root: Record<string, unknown>, data: Record<string, unknown> | null, prefix: PropertyKey[]): Finding[] {
  const out: Finding[] = [];
  for (const raw of issues) {
    const issue = { ...raw, path: [...prefix, ...raw.path] };
    const path = formatPath(issue.path);
    const rule = ruleOf(issue);
    const actual = prefix.length > 0 && issue.path.length === prefix.length && 'input' in raw ? raw.input : valueAt(root, data, issue.path.slice(prefix.length), prefix.length > 0);
    const field = rule ? RULES[rule] : actual === undefined ? undefined : RULES[FIELD_RULE[path] ?? ''];
    if (field) {
      const where = path || 'data';
      const rest = rule === 'payload/data-encoding' ? { en: issue.message, zh: field.zh } : field;
      out.push(finding(rule ?? FIELD_RULE[path]!, 'error', { en: `${where} ${rest.en}`, zh: `${where} ${rest.zh}` }, where));
      continue;
    }
    if (issue.path[0] === 'type') {
      const got = root.type === undefined ? 'missing' : JSON.stringify(root.type);
      out.push(finding('payload/type', 'error', { en: `type must be text, articles or position (got ${got})`, zh: `type 必须是 text、articles 或 position（实际为 ${got}）` }, 'type'));
      continue;
    }
    if (actual === undefined) {
      const missingRule = path === 'receiver_id' ? 'payload/receiver-id-missing' : 'payload/missing-field';
      out.push(finding(missingRule, 'error', { en: `Missing required field ${path}`, zh: `缺少必填字段 ${path}` }, path));
      continue;
    }
    const expected = issue.code === 'invalid_type' ? `a ${issue.expected}` : 'valid';
    out.push(finding('payload/invalid-field', 'error', { en: `${path} must be ${expected}, not ${describe(actual)}`, zh: `${path} 类型错误：应为${issue.code === 'invalid_type' ? typeZh(issue.expected) : '有效值'}，实际为${describeZh(actual)}` }, path));
  }
  return out;
}

function ruleOf(issue: z.core.$ZodIssue): RuleId | undefined {
  const params = (issue as { params?: { rule?: unknown } }).params;
  return typeof params?.rule === 'string' && isRuleId(params.rule) ? params.rule : undefined;
}

/** Fields whose every shape error has its own rule and wording. */
const FIELD_RULE: Record<string, RuleId> = {
  receiver_id: 'payload/receiver-id',
  save_sender_box: 'payload/save-sender-box',
  'data.longitude': 'payload/position-format',
  'data.latitude': 'payload/position-format',
};

const RULES: Partial<Record<string, Localized>> = {
  'payload/receiver-id': { en: 'must be the decimal digits of a non-negative int64 (a string, bigint or safe integer)', zh: '必须是非负 int64 的十进制数字（字符串、bigint 或安全整数）' },
  'payload/receiver-id-unsafe': { en: 'is a JSON number beyond 2^53 and has already lost digits; send it as a string', zh: '是超过 2^53 的 JSON 数字，已丢失精度；请以字符串发送' },
  'payload/save-sender-box': { en: 'must be 0 or 1', zh: '只能是 0 或 1' },
  'payload/position-format': { en: 'must be a decimal string such as "116.397"', zh: '必须是十进制数字字符串，如 "116.397"' },
  'payload/data-encoding': { en: 'is not a URL-encoded JSON object', zh: '不是有效的 URL 编码 JSON 对象' },
};

/** Unknown keys are reported (warning) so a typo is never silently dropped. */
function unknownKeys(root: Record<string, unknown>, type: PayloadType | null, data: Record<string, unknown> | null, out: Finding[]): void {
  reportUnknown(root, KNOWN_KEYS.envelope, '', out);
  if (!type || !data) return;
  reportUnknown(data, KNOWN_KEYS[type], 'data', out);
  if (type === 'articles' && Array.isArray(data.articles)) {
    data.articles.forEach((a, i) => {
      if (isRecord(a)) reportUnknown(a, KNOWN_KEYS.article, `data.articles[${i}]`, out);
    });
  }
}

function reportUnknown(obj: Record<string, unknown>, known: ReadonlySet<string>, base: string, out: Finding[]): void {
  for (const key in obj) {
    if (known.has(key)) continue;
    const path = childPath(base, key);
    out.push(finding('payload/unknown-field', 'warning', { en: `Unknown field ${path} is not part of the reply API`, zh: `字段 ${path} 不属于回复接口` }, path));
  }
}

/**
 * The string a finding's `path` points at (`data.articles[2].url`), looking through a
 * raw JSON message and an encoded `data` string; undefined when there is none. Used by
 * front doors to show the text a span underlines.
 */
export function stringAt(message: unknown, path: string): string | undefined {
  let v: unknown = message;
  if (typeof v === 'string') {
    const read = messageFromText(v);
    if (!read.ok) return undefined;
    v = read.value;
  }
  const keys = path.split(/[.[\]]+/).filter((k) => k !== '');
  for (const [depth, key] of keys.entries()) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
    if (depth === 0 && key === 'data' && typeof v === 'string') {
      const d = decodeDataString(v);
      v = d.ok ? d.value : undefined;
    }
  }
  return typeof v === 'string' ? v : undefined;
}
