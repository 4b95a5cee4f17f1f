/**
 * The IDs of a tagged PDF's structure elements, as a reader needs them and as a build should write them.
 *
 * Chromium names a structure element after its DOM node's number (`node00005697`), and a page counts every node it ever made: the
 * same protocol printed after others gets other IDs, so its PDF came out as other bytes depending on what its printing page had
 * printed before, and two protocols could bring the same ID into the combined document. A table's data cell names its header cells
 * by these IDs (`/Headers` in its attributes), which a screen reader resolves through the structure root's `/IDTree`.
 *
 * Here the IDs are numbered again in the tree's own order, the header references follow, and the ID tree is written anew: a
 * protocol's PDF depends on its page only, and in the combined document every ID is its own and resolves.
 */
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFRef, PDFString, type PDFContext, type PDFObject } from 'pdf-lib';

const N = PDFName.of;

const textOf = (o: PDFObject | undefined) => (o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : undefined);

/** An ID as Chromium writes them, numbered `n`: fixed width, so the ID tree's keys sort as their numbers. */
const idNumbered = (n: number) => `node${String(n).padStart(8, '0')}`;

/** Every structure element at and under `top`, in the tree's order, with the reference it is held by. */
function elements(ctx: PDFContext, top: PDFObject): { ref: PDFRef | undefined; dict: PDFDict }[] {
  const found: { ref: PDFRef | undefined; dict: PDFDict }[] = [];
  const seen = new Set<PDFDict>();
  const stack: { object: PDFObject; ref: PDFRef | undefined }[] = [{ object: top, ref: undefined }];
  while (stack.length > 0) {
    const { object, ref } = stack.pop()!;
    if (object instanceof PDFRef) {
      const target = ctx.lookup(object);
      if (target) stack.push({ object: target, ref: object });
    } else if (object instanceof PDFArray) {
      for (let i = object.size() - 1; i >= 0; i--) stack.push({ object: object.get(i), ref: undefined });
    } else if (object instanceof PDFDict && object.has(N('S')) && !seen.has(object)) {
      // A structure element (marked-content and object references have no /S, and lead nowhere in the tree).
      seen.add(object);
      found.push({ ref, dict: object });
      const kids = object.get(N('K'));
      if (kids) stack.push({ object: kids, ref: undefined });
    }
  }
  return found;
}

/**
 * Numbers the IDs of the elements under `top` from `first` on, in the tree's order, and points the header references of the same
 * tree at the new IDs. Gives the ID tree's entries (ID and element) and the next free number.
 */
export function renumberStructureIds(ctx: PDFContext, top: PDFObject, first: number): { names: [string, PDFRef][]; next: number } {
  const found = elements(ctx, top);
  const renamed = new Map<string, string>();
  const names: [string, PDFRef][] = [];
  let next = first;
  for (const { ref, dict } of found) {
    const old = textOf(dict.lookup(N('ID')));
    if (old === undefined) continue;
    const id = idNumbered(next++);
    renamed.set(old, id);
    dict.set(N('ID'), PDFString.of(id));
    if (ref) names.push([id, ref]);
  }
  const attributesSeen = new Set<PDFDict>();
  for (const { dict } of found) {
    const attributes = dict.lookup(N('A'));
    const list = attributes instanceof PDFArray ? attributes.asArray().map((a) => ctx.lookup(a)) : [attributes];
    for (const attribute of list) {
      if (!(attribute instanceof PDFDict) || attributesSeen.has(attribute)) continue;
      attributesSeen.add(attribute);
      const headers = attribute.lookup(N('Headers'));
      if (!(headers instanceof PDFArray)) continue;
      for (let i = 0; i < headers.size(); i++) {
        const id = renamed.get(textOf(headers.lookup(i)) ?? '');
        if (id) headers.set(i, PDFString.of(id));
      }
    }
  }
  return { names, next };
}

/** Removes an ID tree that is held by reference, with its nodes. */
function deleteTree(ctx: PDFContext, tree: PDFObject | undefined): void {
  if (!(tree instanceof PDFRef)) return;
  const node = ctx.lookup(tree);
  ctx.delete(tree);
  const kids = node instanceof PDFDict ? node.lookup(N('Kids')) : undefined;
  if (kids instanceof PDFArray) for (const kid of kids.asArray()) deleteTree(ctx, kid);
}

/** Takes the ID tree off a structure root, its nodes with it. */
export function dropIdTree(ctx: PDFContext, root: PDFDict): void {
  deleteTree(ctx, root.get(N('IDTree')));
  root.delete(N('IDTree'));
}

/** Gives the structure root `root` an ID tree of `names` (one node, keys in order) in place of the one it had, if any. */
export function writeIdTree(ctx: PDFContext, root: PDFDict, names: readonly [string, PDFRef][]): void {
  dropIdTree(ctx, root);
  if (names.length === 0) return;
  const sorted = [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  root.set(N('IDTree'), ctx.obj({ Names: sorted.flatMap(([id, ref]) => [PDFString.of(id), ref]) }));
}

/** Numbers a printed document's structure IDs from 1 in its tree's order, so its bytes do not depend on the page that printed it. */
export function normaliseStructureIds(doc: { catalog: PDFDict; context: PDFContext }): void {
  const root = doc.catalog.lookupMaybe(N('StructTreeRoot'), PDFDict);
  const top = root?.get(N('K'));
  if (!root || !top) return;
  writeIdTree(doc.context, root, renumberStructureIds(doc.context, top, 1).names);
}
