import { escapeHtml, layout } from './html.js';

export function renderErrorPage(title: string, explanation: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${escapeHtml(explanation)}</p>`);
}
