import { finding, type Finding } from '../findings.js';
import type { Limits } from '../policy/schema.js';
import type { Article, Content } from '../payload/schema.js';
import { textHalfUnits } from '../payload/units.js';
import { JsonMessage } from '../payload/parse.js';
import { oversize } from '../payload/size.js';

/** rules/limits.yaml, as policy loaded it (with any config override). */
export type PayloadLimits = Limits;

/**
 * The one finding for a message above limits.message.maxBytes, or null. It comes before
 * parsing and the link scan, so a 20 MB message costs one byte count.
 */
export function messageTooLarge(message: unknown, limits: PayloadLimits): Finding | null {
  const max = limits.message.maxBytes;
  const size = oversize(message instanceof JsonMessage ? message.value : message, max);
  if (size === null) return null;
  const exact = typeof message === 'string';
  const what = exact ? `${size} bytes` : `more than ${max} bytes`;
  return finding(
    'payload/too-large',
    'error',
    {
      en: `Message is ${what}; the limit is ${max} bytes, and a real reply is a few KB, so it was refused without being checked`,
      zh: `消息${exact ? `大小为 ${size} 字节` : `超过 ${max} 字节`}；上限为 ${max} 字节，真实回复只有几 KB，因此未检查即拒绝`,
    },
    '',
    { evidence: { detail: `limits.message.maxBytes: ${max}` } },
  );
}

/** Limits that policy may change, on a payload whose shape is already valid. */
export function checkPayloadLimits(payload: Content, limits: PayloadLimits): Finding[] {
  switch (payload.type) {
    case 'text':
      return checkText(payload.data.text, limits.text, 'data.text');
    case 'articles':
      return checkArticles(payload.data.articles, limits);
    case 'position':
      return [
        ...checkCoordinate(payload.data.longitude, limits.position.longitude, 'data.longitude', 'longitude', '经度'),
        ...checkCoordinate(payload.data.latitude, limits.position.latitude, 'data.latitude', 'latitude', '纬度'),
      ];
  }
}

export function checkText(text: string, limit: PayloadLimits['text'], path: string): Finding[] {
  if (!/\S/.test(text)) {
    return [finding('payload/text-empty', 'error', { en: 'Text is empty', zh: '文本内容为空' }, path)];
  }
  const half = textHalfUnits(text, limit.unit);
  const tooLong = limit.strict ? half >= limit.max * 2 : half > limit.max * 2;
  if (!tooLong) return [];
  const units = half / 2;
  const bound = limit.strict ? `under ${limit.max}` : `at most ${limit.max}`;
  const boundZh = limit.strict ? `少于 ${limit.max}` : `不超过 ${limit.max}`;
  const how = limit.unit === 'weibo' ? 'a full-width character counts 1, a half-width one ½' : 'every character counts 1';
  return [
    finding(
      'payload/text-too-long',
      'error',
      { en: `Text is ${units} units long; it must be ${bound} (${how})`, zh: `文本长度为 ${units} 字，必须${boundZh}字（${limit.unit === 'weibo' ? '全角字符计 1，半角计 ½' : '每个字符计 1'}）` },
      path,
      { span: { start: 0, end: text.length }, evidence: { detail: `limits.text: ${limit.unit}, max ${limit.max}${limit.strict ? ' (strict)' : ''}` } },
    ),
  ];
}

function checkArticles(articles: Article[], limits: PayloadLimits): Finding[] {
  const out: Finding[] = [];
  const { min, max, recommended } = limits.articles;
  const n = articles.length;
  const detail = `limits.articles: ${min}–${max}, recommended ${recommended.join(' or ')}`;
  if (n < min || n > max) {
    out.push(finding('payload/articles-count', 'error', { en: `${n} articles; the API takes ${min} to ${max}`, zh: `图文数量为 ${n}，接口只支持 ${min} 到 ${max} 条` }, 'data.articles', { evidence: { detail } }));
  } else if (!recommended.includes(n)) {
    out.push(finding('payload/articles-recommended', 'warning', { en: `${n} articles; ${recommended.join(' or ')} is recommended`, zh: `图文数量为 ${n}，建议 ${recommended.join(' 或 ')} 条` }, 'data.articles', { evidence: { detail } }));
  }
  for (let i = 0; i < articles.length; i++) {
    const found = checkImage(articles[i]!.image, limits.image.formats);
    if (found) out.push(found(`data.articles[${i}].image`));
  }
  return out;
}

/** Extension of a URL or file path's last segment (lower-case, no query or fragment) and where it starts. */
export function imageExtension(image: string): { ext: string; start: number } | null {
  let end = image.length;
  const q = image.indexOf('?');
  if (q >= 0) end = q;
  const h = image.indexOf('#');
  if (h >= 0 && h < end) end = h;
  const slash = image.lastIndexOf('/', end - 1);
  const dot = image.lastIndexOf('.', end - 1);
  return dot > slash && dot < end - 1 ? { ext: image.slice(dot + 1, end).toLowerCase(), start: dot + 1 } : null;
}

/**
 * A finding maker (given the path) when the image's format is wrong, else null; the
 * path string is only built when there is something to report.
 */
export function checkImage(image: string, formats: string[]): ((path: string) => Finding) | null {
  const found = imageExtension(image);
  if (found && formats.includes(found.ext)) return null;
  const names = formats.map((f) => f.toUpperCase());
  const allowed = names.join(' or ');
  // Chinese lists take 、 between items and 或 before the last.
  const allowedZh = names.length > 1 ? `${names.slice(0, -1).join('、')} 或 ${names[names.length - 1]}` : (names[0] ?? '');
  if (found === null) {
    // A CDN path without an extension may still serve a JPG: say so, don't block.
    return (path) => finding('payload/image-format', 'warning', { en: `Image has no file extension; the API takes ${allowed}`, zh: `图片没有扩展名；接口只支持 ${allowedZh}` }, path, { evidence: { text: image } });
  }
  const { ext, start } = found;
  return (path) =>
    finding('payload/image-format', 'error', { en: `Image format .${ext} is not supported; the API takes ${allowed}`, zh: `不支持 .${ext} 格式的图片；接口只支持 ${allowedZh}` }, path, {
      span: { start, end: start + ext.length },
      evidence: { text: image, detail: `limits.image.formats: ${formats.join(', ')}` },
    });
}

function checkCoordinate(value: string, [lo, hi]: [number, number], path: string, name: string, nameZh: string): Finding[] {
  // Rounding is monotonic, so a float strictly inside the bounds is inside; only the edges need exact arithmetic.
  const approx = Number(value);
  if (approx > lo && approx < hi) return [];
  if (compareDecimal(value, lo) >= 0 && compareDecimal(value, hi) <= 0) return [];
  return [
    finding('payload/position-range', 'error', { en: `${name} ${value} is outside [${lo}, ${hi}]`, zh: `${nameZh} ${value} 超出范围 [${lo}, ${hi}]` }, path, {
      span: { start: 0, end: value.length },
      evidence: { detail: `limits.position.${name}: [${lo}, ${hi}]` },
    }),
  ];
}

/**
 * Exact comparison of a decimal string with a number: `Number("180.00000000000000001")`
 * is 180 and would pass a float comparison, so both sides are scaled to bigints.
 */
export function compareDecimal(decimal: string, bound: number): -1 | 0 | 1 {
  const [a, sa] = scaled(decimal);
  const [b, sb] = scaled(String(bound));
  const scale = Math.max(sa, sb);
  const x = a * 10n ** BigInt(scale - sa);
  const y = b * 10n ** BigInt(scale - sb);
  return x < y ? -1 : x > y ? 1 : 0;
}

function scaled(decimal: string): [bigint, number] {
  const [intPart, frac = ''] = decimal.replace(/^\+/, '').split('.');
  return [BigInt(`${intPart}${frac}`), frac.length];
}
