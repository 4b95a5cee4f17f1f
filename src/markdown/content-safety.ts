/**
 * Content is data, not code: the MDX a center's authors write is a safe
 * subset. No ESM (`import`/`export`, which would run at build time), no
 * JavaScript expressions, no element that runs or embeds code, no event
 * handler attributes, and only web, mail, relative and in-page addresses.
 * Each rule reports what it found and where; see "Check rules" in CONTRIBUTING.md.
 */
import type { Nodes } from 'mdast';

/** A problem found in one node; the caller adds the file and the position. */
export interface SafetyProblem {
  rule: 'mdx-esm' | 'mdx-expression' | 'unsafe-element' | 'unsafe-attribute' | 'unsafe-url';
  message: string;
  hint: string;
}

/**
 * Components of the generator that content may use, with the attributes each takes (literal strings only).
 * None yet: every page element comes from the frontmatter and the layouts.
 */
export const ALLOWED_COMPONENTS: Readonly<Record<string, readonly string[]>> = {};

/** The one expression content may write: reading a field of its own frontmatter, e.g. `{frontmatter.question}`; no call, no operator. */
export const FRONTMATTER_READ = /^\s*frontmatter(?:\.[A-Za-z_$][\w$]*|\[\d+\])+\s*$/;

/** HTML elements that run, embed or restyle code or other documents, or submit data. */
const UNSAFE_ELEMENTS = new Set([
  'script',
  'style',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'link',
  'meta',
  'base',
  'form',
  'svg',
  'math',
  'template',
  'portal',
]);

/** Attributes that hold an address. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'srcset', 'action', 'formaction', 'poster', 'cite', 'data', 'xlink:href', 'background', 'longdesc', 'ping']);

/** Attributes that hold code or a document, whatever their value. */
const CODE_ATTRIBUTES = new Set(['srcdoc', 'formaction']);

/** An address a reader may follow: http, https, mailto, or relative / in-page (no scheme). */
export function isSafeUrl(url: string): boolean {
  // Browsers ignore control characters and spaces around and inside a scheme ("java\tscript:"), so compare without them.
  const compact = url.replace(/[\u0000-\u0020\u007f]/g, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact)?.[1];
  return scheme === undefined || scheme === 'http' || scheme === 'https' || scheme === 'mailto';
}

const URL_HINT = 'Link only to http://, https:// or mailto: addresses, or to pages of the site (/faq/…, #anchor).';

/** Problems of one MDX node (the body's syntax tree, from remark-mdx). */
export function safetyProblems(node: Nodes): SafetyProblem[] {
  switch (node.type) {
    case 'mdxjsEsm':
      return [
        {
          rule: 'mdx-esm',
          message: `"${node.value.split('\n')[0]!.slice(0, 60)}": import and export statements are not allowed in content`,
          hint: 'Content cannot load code. Write the text itself; to show a diagram use a ```mermaid block.',
        },
      ];
    case 'mdxFlowExpression':
    case 'mdxTextExpression':
      return FRONTMATTER_READ.test(node.value)
        ? []
        : [
            {
              rule: 'mdx-expression',
              message: `"{${node.value.slice(0, 60)}}": JavaScript expressions are not allowed in content`,
              hint: 'Write the text itself. To show a literal brace, escape it as \\{ or \\}.',
            },
          ];
    case 'link':
    case 'image':
    case 'definition':
      return isSafeUrl(node.url)
        ? []
        : [{ rule: 'unsafe-url', message: `link to "${node.url.slice(0, 80)}": this kind of address is not allowed`, hint: URL_HINT }];
    case 'mdxJsxFlowElement':
    case 'mdxJsxTextElement':
      return elementProblems(node.name, node.attributes);
    default:
      return [];
  }
}

function elementProblems(name: string | null, attributes: Extract<Nodes, { type: 'mdxJsxFlowElement' }>['attributes']): SafetyProblem[] {
  const problems: SafetyProblem[] = [];
  const tag = name ?? '';
  const component = /^[A-Z]/.test(tag) || tag.includes('.');
  if (UNSAFE_ELEMENTS.has(tag.toLowerCase()))
    problems.push({
      rule: 'unsafe-element',
      message: `<${tag}> is not allowed in content: it can run or embed code`,
      hint: 'Write text, links, lists and tables in Markdown; diagrams as ```mermaid blocks.',
    });
  else if (component && !(tag in ALLOWED_COMPONENTS))
    problems.push({
      rule: 'unsafe-element',
      message: `<${tag}> is not a component content may use`,
      hint: `Content may use ${Object.keys(ALLOWED_COMPONENTS).join(', ') || 'no components; write Markdown'}.`,
    });
  for (const attribute of attributes) {
    if (attribute.type === 'mdxJsxExpressionAttribute') {
      problems.push({
        rule: 'mdx-expression',
        message: `<${tag} {${attribute.value.slice(0, 40)}}>: attribute expressions are not allowed`,
        hint: 'Give each attribute as a quoted string.',
      });
      continue;
    }
    const key = attribute.name.toLowerCase();
    if (attribute.value !== null && typeof attribute.value === 'object') {
      problems.push({
        rule: 'mdx-expression',
        message: `<${tag} ${attribute.name}={…}>: JavaScript expressions are not allowed in content`,
        hint: 'Give the attribute as a quoted string, e.g. alt="…".',
      });
      continue;
    }
    if (/^on/.test(key) || CODE_ATTRIBUTES.has(key))
      problems.push({
        rule: 'unsafe-attribute',
        message: `<${tag} ${attribute.name}>: event handlers and code attributes are not allowed`,
        hint: 'Remove the attribute.',
      });
    else if (URL_ATTRIBUTES.has(key) && typeof attribute.value === 'string' && !attribute.value.split(',').every((part) => isSafeUrl(part.trim())))
      problems.push({
        rule: 'unsafe-url',
        message: `<${tag} ${attribute.name}="${attribute.value.slice(0, 80)}">: this kind of address is not allowed`,
        hint: URL_HINT,
      });
  }
  return problems;
}

/** Links in a Mermaid diagram (`click A href "…"`, `click A "…"`) and callbacks (`click A call f()`), by line within the diagram (1-based). */
export function mermaidLinkProblems(code: string): (SafetyProblem & { line: number })[] {
  const problems: (SafetyProblem & { line: number })[] = [];
  code.split('\n').forEach((text, i) => {
    const click = /^\s*click\s+\S+\s+(.*)$/.exec(text);
    if (!click) return;
    const rest = click[1]!.trim();
    const url = /^(?:href\s+)?"([^"]*)"/.exec(rest)?.[1];
    if (url === undefined)
      problems.push({
        line: i + 1,
        rule: 'mdx-expression',
        message: 'a diagram click that calls code is not allowed',
        hint: 'Use click NODE href "/page/" to link a node.',
      });
    else if (!isSafeUrl(url))
      problems.push({ line: i + 1, rule: 'unsafe-url', message: `diagram link to "${url.slice(0, 80)}": this kind of address is not allowed`, hint: URL_HINT });
  });
  return problems;
}
