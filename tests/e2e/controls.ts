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

/**
 * Where the required-field convention (AppRequiredMark, AppRequiredNote) is broken on the page, each as a
 * sentence; empty when it holds. A visible control with `required` or `aria-required="true"` has the
 * asterisk in what labels it for a sighted person: its <label>, the legend of its radio group, or the
 * header of its table column. Every visible asterisk labels a required control, or a group that says
 * "(obbligatorio)" to assistive technology (a set of boxes of which one must be ticked). Every form with a
 * required field shows the note that explains the asterisk.
 */
export async function requiredMarkProblems(page: Page): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const shown = (el) => el.checkVisibility({ visibilityProperty: true }) && el.getBoundingClientRect().width > 0;
    const text = (el) => (el ? el.textContent.replace(/\\s+/g, ' ').trim() : '(nessuna etichetta)');
    const isRequired = (el) => el.required || el.getAttribute('aria-required') === 'true';
    const columnHeader = (el) => { const cell = el.closest('td'); const table = cell && cell.closest('table'); return table ? table.querySelectorAll('thead th')[cell.cellIndex] ?? null : null; };
    const labelOf = (el) => (['radio', 'checkbox'].includes(el.type) && el.closest('fieldset') ? el.closest('fieldset').querySelector('legend') : null)
      ?? (el.id ? document.querySelector('label[for="' + CSS.escape(el.id) + '"]') : null) ?? columnHeader(el);
    const hasMark = (label) => Boolean(label && [...label.querySelectorAll('.required-mark')].some(shown));
    const controls = [...document.querySelectorAll('main input, main select, main textarea')].filter((el) => el.type !== 'hidden' && shown(el));
    const required = controls.filter(isRequired);
    const problems = [];
    for (const el of required) if (!hasMark(labelOf(el))) problems.push('required without its asterisk: ' + el.tagName.toLowerCase() + '#' + el.id + ' «' + text(labelOf(el)) + '»');
    const markedGroups = [];
    for (const mark of [...document.querySelectorAll('main .required-mark')].filter(shown)) {
      const label = mark.closest('label, legend, th');
      const owners = !label ? [] : label.tagName === 'LABEL' ? controls.filter((el) => el.id && el.id === label.htmlFor)
        : label.tagName === 'LEGEND' ? controls.filter((el) => el.closest('fieldset') === label.parentElement && labelOf(el) === label)
        : controls.filter((el) => columnHeader(el) === label);
      const spokenGroup = label && label.tagName === 'LEGEND' && /\\(obbligatorio\\)/.test(label.textContent);
      if (spokenGroup) markedGroups.push(label.parentElement);
      else if (!owners.some(isRequired)) problems.push('asterisk on an optional field: «' + text(label ?? mark.parentElement) + '»');
    }
    const forms = [...document.querySelectorAll('main form')].filter(shown);
    for (const form of forms) {
      const needsNote = required.some((el) => form.contains(el)) || markedGroups.some((group) => form.contains(group));
      const note = [...form.querySelectorAll('.required-note')].find(shown);
      if (needsNote && !note) problems.push('form with required fields and no note: «' + text(form).slice(0, 60) + '»');
      if (note && note.textContent.trim() !== 'I campi con l’asterisco (*) sono obbligatori.') problems.push('note that says «' + note.textContent.trim() + '»');
      if (note && !needsNote) problems.push('note on a form without required fields: «' + text(form).slice(0, 60) + '»');
    }
    return problems;
  })()`)) as string[];
}

/** How many visible controls of the page are required, so that a page that loses its marks with its `required` fails. */
export async function requiredControlCount(page: Page): Promise<number> {
  return (await page.evaluate(
    `[...document.querySelectorAll('main input, main select, main textarea')].filter((el) => el.type !== 'hidden' && el.getBoundingClientRect().width > 0 && (el.required || el.getAttribute('aria-required') === 'true')).length`,
  )) as number;
}
