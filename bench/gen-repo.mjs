// A realistic reply-template repo of N files for benchmarks (the audit's and the
// ESLint plugin's): TS/JS reply builders that import link constants from shared
// modules (some through a barrel that re-exports them), JSON and YAML templates
// (some shaped as payloads), Markdown FAQs and plain-text auto-replies, 1–4 KB each,
// with about one string in ten breaking a rule. Deterministic for a given seed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mulberry32 } from './lib.mjs';

const GOOD_HOSTS = ['https://www.people.com.cn', 'https://www.xinhuanet.com', 'https://www.gov.cn', 'https://www.apple.com.cn', 'https://www.mi.com', 'https://news.cctv.com'];
const BAD_HOSTS = ['https://cheap-deals-shop.com', 'https://dwz.cn/Ab12', 'http://198.51.100.7', 'https://promo-partner.net'];
const PHRASES = [
  '感谢您的关注，我们会尽快回复您的问题',
  '新品上市，欢迎选购',
  '会员积分可以兑换精美礼品',
  '七天无理由退换货，请保留好包装',
  '客服工作时间为每天 9:00-21:00',
  '活动期间全场包邮',
  '您的订单已发货，请注意查收',
  '感谢支持，祝您生活愉快',
];
const BAD_PHRASES = ['售后请加我微信 kefu_2026 处理', '更多优惠请关注我们的抖音号', '详情见 cheap-deals-shop。com'];

/**
 * Writes `fileCount` template files under `dir` (created if missing) and returns
 * the relative paths written. Same (fileCount, seed) → same bytes.
 */
export function generateRepo(dir, fileCount, seed = 1) {
  const rand = mulberry32(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const chance = (p) => rand() < p;
  const written = [];
  const write = (rel, text) => {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    written.push(rel);
  };
  const text = () => (chance(0.08) ? pick(BAD_PHRASES) : pick(PHRASES));
  const host = () => (chance(0.1) ? pick(BAD_HOSTS) : pick(GOOD_HOSTS));

  // Shared link modules (one per 100 files) and a barrel re-exporting them all.
  const linkModules = Math.max(1, Math.floor(fileCount / 100));
  const constants = [];
  for (let m = 0; m < linkModules && written.length < fileCount; m++) {
    const lines = ['// Links reply templates may use; reviewed by the compliance team.'];
    for (let k = 0; k < 10; k++) {
      const name = `LINK_${m}_${k}`;
      constants.push({ name, module: m });
      lines.push(`export const ${name} = '${host()}';`);
    }
    lines.push(`export const PAGES_${m} = { help: '${host()}/help', shop: '${host()}/shop' } as const;`);
    write(`src/links/links-${m}.ts`, `${lines.join('\n')}\n`);
  }
  if (written.length < fileCount) {
    write('src/links/index.ts', `${Array.from({ length: linkModules }, (_, m) => `export * from './links-${m}.js';`).join('\n')}\n`);
  }

  let n = 0;
  while (written.length < fileCount) {
    const kind = rand();
    n++;
    if (kind < 0.5) write(...codeFile(n));
    else if (kind < 0.65) write(`templates/json/t-${n}.json`, jsonFile());
    else if (kind < 0.8) write(`templates/yaml/t-${n}.yaml`, yamlFile());
    else if (kind < 0.9) write(`docs/faq-${n}.md`, markdownFile(n));
    else write(`templates/txt/t-${n}.txt`, `${text()}。\n${text()}，详情请访问 ${host()}/page/${n}\n${text()}。\n`);
  }
  return written;

  function codeFile(id) {
    const js = chance(0.15);
    const used = Array.from({ length: 3 }, () => pick(constants));
    const viaBarrel = chance(0.5);
    const imports = viaBarrel
      ? [`import { ${[...new Set(used.map((c) => c.name))].join(', ')} } from '../links/index.js';`]
      : [...new Set(used.map((c) => c.module))].map((m) => `import { ${[...new Set(used.filter((c) => c.module === m).map((c) => c.name))].join(', ')} } from '../links/links-${m}.js';`);
    const lines = [...imports, ''];
    const builders = 6 + Math.floor(rand() * 10);
    for (let b = 0; b < builders; b++) {
      const c = pick(used).name;
      const param = js ? 'customer' : 'customer: { name: string; city: string }';
      if (chance(0.1)) {
        const count = chance(0.2) ? 9 : 3;
        const articles = Array.from(
          { length: count },
          (_, i) => `      { display_name: '${pick(PHRASES).slice(0, 8)}', summary: '${text()}', image: \`\${${c}}/img/${i}.${chance(0.1) ? 'gif' : 'jpg'}\`, url: \`\${${c}}/a/${i}\` },`,
        );
        lines.push(`export const cards${b} = {\n  type: 'articles',\n  data: {\n    articles: [\n${articles.join('\n')}\n    ],\n  },\n};`, '');
      } else if (chance(0.05)) {
        lines.push(`export function regional${b}(${param}) {\n  return \`门店地址：https://\${customer.city}.stores-partner.net/list\`;\n}`, '');
      } else {
        lines.push(`/** Reply ${b} of module ${id}. */\nexport function reply${b}(${param}) {\n  return \`\${customer.name}，${text()}。详情：\${${c}}/p/${id}-${b}\`;\n}`, '');
      }
    }
    lines.push(`export const footer = '${text()}';`, '');
    return [`src/replies/r-${id}.${js ? 'js' : 'ts'}`, lines.join('\n')];
  }

  function jsonFile() {
    if (chance(0.3)) {
      return `${JSON.stringify({ type: 'text', data: { text: `${text()} ${host()}/j` } }, null, 2)}\n`;
    }
    const items = Array.from({ length: 8 + Math.floor(rand() * 12) }, (_, i) => ({ key: `item-${i}`, title: pick(PHRASES).slice(0, 6), reply: `${text()}，请访问 ${host()}/m/${i}` }));
    return `{\n  // Menu replies\n  "menu": ${JSON.stringify(items, null, 2).replace(/\n/g, '\n  ')},\n}\n`;
  }

  function yamlFile() {
    if (chance(0.3)) {
      const arts = Array.from({ length: chance(0.2) ? 9 : 3 }, (_, i) => `    - display_name: ${pick(PHRASES).slice(0, 6)}\n      summary: "${text()}"\n      image: ${host()}/img/${i}.${chance(0.1) ? 'webp' : 'png'}\n      url: ${host()}/a/${i}`);
      return `type: articles\ndata:\n  articles:\n${arts.join('\n')}\n`;
    }
    const qs = Array.from({ length: 6 + Math.floor(rand() * 10) }, (_, i) => `  - q: ${pick(PHRASES).slice(0, 8)}？\n    a: >\n      ${text()}，\n      详情请访问 ${host()}/faq/${i}\n`);
    return `# FAQ replies\nfaq:\n${qs.join('')}`;
  }

  function markdownFile(id) {
    const sections = Array.from({ length: 5 + Math.floor(rand() * 8) }, (_, i) => `## ${pick(PHRASES).slice(0, 8)}\n\n${text()}，请看[说明](${host()}/doc/${id}/${i})。${chance(0.2) ? `\n\n<${host()}/raw/${i}>` : ''}\n`);
    return `# FAQ ${id}\n\n${sections.join('\n')}`;
  }
}
