import type { Page } from 'playwright-core';

/**
 * The visible text, number, date, select and textarea controls of the page whose boundary cannot be
 * seen: neither a bottom border nor a filled box with a contrast of at least 3:1 against what surrounds
 * it (WCAG 2.1 SC 1.4.11, Non-text Contrast). Each is described as `tag#id (why)`; empty when all show.
 */
export async function controlsWithoutBoundary(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const rgba = (css) => { const m = css.match(/[\\d.]+/g) || ['0', '0', '0', '0']; return m.map(Number).concat(m.length === 3 ? [1] : []).slice(0, 4); };
    const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
    const luminance = (c) => { const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const contrast = (a, b) => { const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x); return (l1 + 0.05) / (l2 + 0.05); };
    const backdrop = (el) => { const layers = []; for (let p = el; p; p = p.parentElement) { const c = rgba(getComputedStyle(p).backgroundColor); if (c[3] > 0) layers.push(c); if (c[3] === 1) break; } return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]); };
    const controls = [...document.querySelectorAll('main input, main select, main textarea')].filter((el) => !['hidden', 'checkbox', 'radio', 'submit', 'button', 'reset', 'file', 'range', 'image', 'color'].includes(el.type));
    const visible = controls.filter((el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el); return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.opacity !== '0'; });
    const problems = [];
    for (const el of visible) {
      const style = getComputedStyle(el);
      const outside = backdrop(el.parentElement);
      const inside = over(rgba(style.backgroundColor), outside);
      const bottom = parseFloat(style.borderBottomWidth) >= 1 && !['none', 'hidden'].includes(style.borderBottomStyle) ? contrast(over(rgba(style.borderBottomColor), outside), outside) : 0;
      const fill = contrast(inside, outside);
      if (bottom >= 3 || fill >= 3) continue;
      problems.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' (bottom border ' + style.borderBottomWidth + ' ' + style.borderBottomStyle + ' ' + style.borderBottomColor + ', contrast ' + bottom.toFixed(2) + ')');
    }
    return problems;
  })()`)) as string[];
}

/** How many controls the check looked at, so that a walk through a page without its form fails. */
export async function visibleControlCount(page: Page): Promise<number> {
  return (await page.evaluate(
    `[...document.querySelectorAll('main input, main select, main textarea')].filter((el) => !['hidden', 'checkbox', 'radio', 'submit', 'button', 'reset', 'file', 'range', 'image', 'color'].includes(el.type) && el.getBoundingClientRect().width > 0).length`,
  )) as number;
}
