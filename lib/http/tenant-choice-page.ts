import { theme } from '@bigcommerce/big-design-theme';
import { escapeHtml } from './message-page';
import { htmlHeaders } from './respond';

/** After consent to several organisations: the merchant picks the one to post to (a plain form, in the consent window). */
export function tenantChoicePage(input: {
  action: string;
  state: string;
  tenants: Array<{ tenantId: string; tenantName: string }>;
  display: { name: string; tenantNoun: string };
}): Response {
  const system = escapeHtml(input.display.name);
  const noun = escapeHtml(input.display.tenantNoun);
  const options = input.tenants
    .map(
      (t, i) =>
        `<label class="option"><input type="radio" name="tenantId" value="${escapeHtml(t.tenantId)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(t.tenantName)}</label>`,
    )
    .join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Choose a ${system} ${noun} · Ledgerbridge</title>
<style>
  body { margin: 0; background: ${theme.colors.secondary10}; color: ${theme.colors.secondary70}; font-family: ${theme.typography.fontFamily}; }
  main { max-width: 560px; margin: 64px auto; background: ${theme.colors.white}; border-radius: 4px; box-shadow: ${theme.shadow.raised}; padding: 32px; }
  h1 { font-size: 24px; font-weight: 600; margin: 0 0 16px; }
  .option { display: block; padding: 8px 0; }
  button { margin-top: 16px; background: ${theme.colors.primary}; color: ${theme.colors.white}; border: 0; padding: 8px 16px; border-radius: 4px; font-weight: 600; font-size: 16px; }
</style></head>
<body><main>
<h1>Choose the ${system} ${noun} for this store</h1>
<form method="post" action="${escapeHtml(input.action)}">
<fieldset style="border:0;padding:0"><legend>Each ${noun} you gave Ledgerbridge access to</legend>
${options}
</fieldset>
<input type="hidden" name="state" value="${escapeHtml(input.state)}">
<button type="submit" id="choose-tenant">Connect</button>
</form>
</main></body></html>`;
  return new Response(html, { status: 200, headers: htmlHeaders });
}
