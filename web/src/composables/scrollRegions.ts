/**
 * Tables too wide for the screen scroll inside `.table-responsive`: such a box must be reachable and
 * scrollable by keyboard (WCAG 2.1.1), so it becomes a focusable, named region while it scrolls.
 */
export function keepScrollRegionsFocusable(root: HTMLElement): void {
  const update = (box: HTMLElement) => {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.tabIndex = 0;
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', box.querySelector('caption')?.textContent?.trim() || 'Tabella scorrevole');
    } else if (box.hasAttribute('role')) {
      box.removeAttribute('tabindex');
      box.removeAttribute('role');
      box.removeAttribute('aria-label');
    }
  };
  const resizes = new ResizeObserver((entries) => entries.forEach((entry) => update(entry.target as HTMLElement)));
  const watched = new WeakSet<Element>();
  const scan = () => {
    for (const box of root.querySelectorAll<HTMLElement>('.table-responsive')) {
      if (watched.has(box)) continue;
      watched.add(box);
      resizes.observe(box);
    }
  };
  new MutationObserver(scan).observe(root, { childList: true, subtree: true });
  scan();
}
