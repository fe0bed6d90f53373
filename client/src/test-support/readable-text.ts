/**
 * The text of an element as a reader sees it: each text node trimmed and separated by one space
 * (Vue Test Utils' `text()` glues adjacent elements together: "1ALAyu"). Intl's no-break spaces
 * become plain spaces.
 */
export function readableText(element: Element): string {
  const parts: string[] = [];
  const walker = element.ownerDocument.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent?.replace(/\s+/g, ' ').trim();
    if (text) parts.push(text);
  }
  return parts.join(' ');
}
