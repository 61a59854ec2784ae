/**
 * The audit's own outputs — a baseline written with `--write-baseline`, a JSON or SARIF
 * report written with `-o` — left in the audited tree by an earlier run. Read as
 * templates, their quoted texts and messages are findings of their own (an example repo
 * went from 14 problems to 25 after writing its baseline, and to 85 with a JSON report
 * beside it), so they are recognised by how they begin and left out.
 */
const HEAD = 4096;
const BASELINE = /^\s*\{\s*"version":\s*1,\s*"tool":\s*"weibo-guard audit"/;
const JSON_REPORT = /^\s*\{\s*"files":\s*\d+,\s*"findings":\s*\[/;
const SARIF = /"\$schema":\s*"https:\/\/json\.schemastore\.org\/sarif-2\.1\.0\.json"/;
const SARIF_DRIVER = /"driver":\s*\{\s*"name":\s*"weibo-guard"/;

export function isOwnOutput(text: string): boolean {
  const head = text.slice(0, HEAD);
  if (!head.trimStart().startsWith('{')) return false;
  return BASELINE.test(head) || JSON_REPORT.test(head) || (SARIF.test(head) && SARIF_DRIVER.test(head));
}
