import { theme } from '@bigcommerce/big-design-theme';
import { htmlHeaders } from './respond';

/**
 * The small HTML pages the callbacks answer with (errors, the install hand-off). They are plain HTML because a
 * route handler must choose the status code (400/401/403/502 pages), but they wear BigDesign's theme tokens so
 * they look like the rest of the control panel. Nothing here ever includes a stack trace or a secret.
 */
export interface MessagePage {
  status: number;
  title: string;
  message: string;
  variant: 'success' | 'error' | 'warning' | 'info';
  action?: { label: string; href: string };
  /** A button that POSTs to `action` (a confirmation: the unsubscribe page's, which a link scanner's GET must not do). */
  form?: { label: string; action: string };
  /** Navigate there as soon as the page loads (used to continue into the app after install). */
  redirectTo?: string;
}

/** HTML-escapes text for the small pages the callbacks answer with. */
export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const accent: Record<MessagePage['variant'], string> = {
  success: theme.colors.success,
  error: theme.colors.danger,
  warning: theme.colors.warning,
  info: theme.colors.primary,
};

export function messagePageHtml(page: MessagePage): string {
  const action = page.action
    ? `<a class="button" href="${escapeHtml(page.action.href)}" target="_self">${escapeHtml(page.action.label)}</a>`
    : page.form
      ? `<form method="post" action="${escapeHtml(page.form.action)}"><button class="button" type="submit">${escapeHtml(page.form.label)}</button></form>`
      : '';
  const redirect = page.redirectTo
    ? // A refresh, not an inline script: the CSP (proxy.ts) runs only scripts carrying the request's nonce.
      `<meta http-equiv="refresh" content="0; url=${escapeHtml(page.redirectTo)}">`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Ledgerbridge</title>${redirect}
<style>
  body { margin: 0; background: ${theme.colors.secondary10}; color: ${theme.colors.secondary70};
    font-family: ${theme.typography.fontFamily}; font-size: 16px; line-height: 1.5; }
  main { max-width: 560px; margin: 64px auto; background: ${theme.colors.white}; border-radius: 4px;
    box-shadow: ${theme.shadow.raised}; padding: 32px; border-top: 4px solid ${accent[page.variant]}; }
  h1 { font-size: 24px; font-weight: 600; margin: 0 0 12px; color: ${theme.colors.secondary70}; }
  p { margin: 0 0 24px; }
  .button { display: inline-block; border: 0; font-size: 16px; cursor: pointer; background: ${theme.colors.primary}; color: ${theme.colors.white};
    text-decoration: none; padding: 8px 16px; border-radius: 4px; font-weight: 600; }
  .button:focus { outline: 3px solid ${theme.colors.primary30}; }
  footer { margin-top: 24px; font-size: 14px; color: ${theme.colors.secondary60}; }
</style></head>
<body><main role="main" data-status="${page.status}">
<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.message)}</p>
${action}
<footer>Ledgerbridge · need help? See the README's support section.</footer>
</main></body></html>`;
}

export function messagePage(page: MessagePage): Response {
  return new Response(messagePageHtml(page), { status: page.status, headers: htmlHeaders });
}
