import type { Span } from '../../../findings.js';
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
  const sites: Site[] = [];
  // The last significant token, to tell `url: '…'`.
  let prev: ts.SyntaxKind = ts.SyntaxKind.Unknown;
  let prevText = '';
  let keyBefore: string | undefined;
  scan(mod, (k, start, end, value) => {
    if (k === ts.SyntaxKind.SingleLineCommentTrivia || k === ts.SyntaxKind.MultiLineCommentTrivia) return;
    const raw = text.slice(start, end);
    if (k === ts.SyntaxKind.StringLiteral || k === ts.SyntaxKind.NoSubstitutionTemplateLiteral || k === ts.SyntaxKind.TemplateHead || k === ts.SyntaxKind.TemplateMiddle || k === ts.SyntaxKind.TemplateTail) {
      const { value: v, map } = literalMap(raw, k === ts.SyntaxKind.StringLiteral ? 'js' : 'template', start);
      const whole = k === ts.SyntaxKind.StringLiteral || k === ts.SyntaxKind.NoSubstitutionTemplateLiteral;
      if (v.trim() !== '') sites.push({ kind: whole ? kindForKey(keyBefore) : 'text', value: v, map });
    }
    keyBefore = k === ts.SyntaxKind.ColonToken && (prev === ts.SyntaxKind.Identifier || prev === ts.SyntaxKind.StringLiteral) ? prevText : undefined;
    prev = k;
    prevText = k === ts.SyntaxKind.StringLiteral ? value : raw;
  });
  const problem = own(
    'audit/unreadable',
    'error',
    'Nested too deeply for the TypeScript parser. Each string in this file was still checked on its own, but constants were not resolved and payloads not checked whole; flatten the nesting so nothing is missed.',
    '嵌套层数过深，TypeScript 解析器无法读取。此文件中的字符串仍已逐个检查，但常量未解析，消息体也未整体检查；请减少嵌套，以免遗漏。',
    { start: 0, end: Math.min(1, text.length) },
  );
  return { sites, own: [problem] };
}

/** The comments of such a file, for suppression directives: only tokens the scanner calls comments. */
export function lexicalComments(mod: TsModule): Span[] {
  const out: Span[] = [];
  scan(mod, (k, start, end) => {
    if (k === ts.SyntaxKind.SingleLineCommentTrivia || k === ts.SyntaxKind.MultiLineCommentTrivia) out.push({ start, end });
  });
  return out;
}

/**
 * Every token and comment of the file, in order. The scanner alone cannot tell a `}`
 * that closes a template substitution, nor a `/` that opens a regular expression: a
 * stack of open braces and the previous significant token decide, as the parser would.
 */
function scan(mod: TsModule, visit: (kind: ts.SyntaxKind, start: number, end: number, value: string) => void): void {
  const text = mod.text ?? '';
  const variant = /\.[cm]?[jt]sx$/.test(mod.file) ? ts.LanguageVariant.JSX : ts.LanguageVariant.Standard;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, variant, text);
  const braces: Array<'brace' | 'template'> = [];
  let prev: ts.SyntaxKind = ts.SyntaxKind.Unknown;
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
    if (k === ts.SyntaxKind.WhitespaceTrivia || k === ts.SyntaxKind.NewLineTrivia) continue;
    const trivia = k === ts.SyntaxKind.SingleLineCommentTrivia || k === ts.SyntaxKind.MultiLineCommentTrivia;
    if (k === ts.SyntaxKind.CloseBraceToken && braces.at(-1) === 'template') {
      k = scanner.reScanTemplateToken(false);
      if (k === ts.SyntaxKind.TemplateTail) braces.pop();
    } else if ((k === ts.SyntaxKind.SlashToken || k === ts.SyntaxKind.SlashEqualsToken) && !endsOperand(prev)) k = scanner.reScanSlashToken();
    if (k === ts.SyntaxKind.OpenBraceToken) braces.push('brace');
    else if (k === ts.SyntaxKind.CloseBraceToken) braces.pop();
    else if (k === ts.SyntaxKind.TemplateHead) braces.push('template');
    visit(k, scanner.getTokenStart(), scanner.getTokenEnd(), scanner.getTokenValue());
    if (!trivia) prev = k;
  }
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
