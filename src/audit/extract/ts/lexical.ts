import { ts } from 'ts-morph';
import { kindForKey } from '../../../checks/templates.js';
import { literalMap, own, type Placed, type Site } from '../../../sites/model.js';
import type { TsModule } from './bind.js';

/**
 * A file the compiler's parser could not read for lack of stack (it recurses once per
 * level of nesting, and dies a few thousand parentheses or calls deep). Its tokens are
 * read with the compiler's scanner instead, which does not recurse: every string and
 * template part is judged on its own (a link field's value as a URL), and a finding
 * says that constants were not folded nor payloads judged here.
 */
export function lexicalSites(mod: TsModule): { sites: Site[]; own: Placed[] } {
  const text = mod.text ?? '';
  const variant = /\.[cm]?[jt]sx$/.test(mod.file) ? ts.LanguageVariant.JSX : ts.LanguageVariant.Standard;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, variant, text);
  const sites: Site[] = [];
  /** Open `{` and `${`: a `}` closing a substitution continues its template. */
  const braces: Array<'brace' | 'template'> = [];
  // The last two significant tokens, to tell `url: '…'` and a regular expression's `/`.
  let prev: ts.SyntaxKind = ts.SyntaxKind.Unknown;
  let prevText = '';
  let keyBefore: string | undefined;
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
    if (k === ts.SyntaxKind.CloseBraceToken && braces.at(-1) === 'template') {
      k = scanner.reScanTemplateToken(false);
      if (k === ts.SyntaxKind.TemplateTail) braces.pop();
    } else if ((k === ts.SyntaxKind.SlashToken || k === ts.SyntaxKind.SlashEqualsToken) && !endsOperand(prev)) k = scanner.reScanSlashToken();
    if (k === ts.SyntaxKind.OpenBraceToken) braces.push('brace');
    else if (k === ts.SyntaxKind.CloseBraceToken) braces.pop();
    else if (k === ts.SyntaxKind.TemplateHead) braces.push('template');
    const start = scanner.getTokenStart();
    const raw = text.slice(start, scanner.getTokenEnd());
    if (k === ts.SyntaxKind.StringLiteral || k === ts.SyntaxKind.NoSubstitutionTemplateLiteral || k === ts.SyntaxKind.TemplateHead || k === ts.SyntaxKind.TemplateMiddle || k === ts.SyntaxKind.TemplateTail) {
      const { value, map } = literalMap(raw, k === ts.SyntaxKind.StringLiteral ? 'js' : 'template', start);
      const whole = k === ts.SyntaxKind.StringLiteral || k === ts.SyntaxKind.NoSubstitutionTemplateLiteral;
      if (value.trim() !== '') sites.push({ kind: whole ? kindForKey(keyBefore) : 'text', value, map });
    }
    keyBefore = k === ts.SyntaxKind.ColonToken && (prev === ts.SyntaxKind.Identifier || prev === ts.SyntaxKind.StringLiteral) ? prevText : undefined;
    prev = k;
    prevText = k === ts.SyntaxKind.StringLiteral ? scanner.getTokenValue() : raw;
  }
  const problem = own(
    'audit/unreadable',
    'error',
    'Nested too deeply for the TypeScript parser. Each string in this file was still checked on its own, but constants were not resolved and payloads not checked whole; flatten the nesting so nothing is missed.',
    '嵌套层数过深，TypeScript 解析器无法读取。此文件中的字符串仍已逐个检查，但常量未解析，消息体也未整体检查；请减少嵌套，以免遗漏。',
    { start: 0, end: Math.min(1, text.length) },
  );
  return { sites, own: [problem] };
}

/** True after a token that ends an operand, where `/` divides rather than opens a regular expression. */
function endsOperand(k: ts.SyntaxKind): boolean {
  return (
    k === ts.SyntaxKind.Identifier ||
    k === ts.SyntaxKind.NumericLiteral ||
    k === ts.SyntaxKind.StringLiteral ||
    k === ts.SyntaxKind.CloseParenToken ||
    k === ts.SyntaxKind.CloseBracketToken ||
    k === ts.SyntaxKind.CloseBraceToken ||
    k === ts.SyntaxKind.TemplateTail ||
    k === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
    k === ts.SyntaxKind.ThisKeyword
  );
}
