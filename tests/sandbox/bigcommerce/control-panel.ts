// The fake store control panel: `GET /manage/{hash}/apps` shows the app card with Install / Open / Uninstall
// and renders the app in an iframe, running the same flows as BigCommerce (auth callback with a fresh code,
// load callback with a signed JWT, server-side uninstall callback).
import { DEFAULT_APP_SCOPES, type Platform, type SandboxApp } from './platform';
import type { StoreState, SandboxUser } from './state';
import { type RequestContext, type Router, escapeHtml, parseObjectBody, redirect, sendHtml, sendJson } from './http';

function selectedUser(platform: Platform, store: StoreState, ctx: RequestContext): SandboxUser {
  const raw = ctx.url.searchParams.get('user_id');
  return platform.user(store, raw ? Number(raw) : undefined);
}

function pageUrl(hash: string, app: SandboxApp, userId: number, message?: string): string {
  const q = new URLSearchParams({ app: app.clientId, user_id: String(userId) });
  if (message) q.set('message', message);
  return `/manage/${encodeURIComponent(hash)}/apps?${q.toString()}`;
}

export function registerControlPanel(router: Router, platform: Platform): void {
  router.add('GET', '/', (ctx) => redirect(ctx.res, 302, '/manage'));

  router.add('GET', '/manage', (ctx) => {
    const rows = Object.values(platform.state.stores)
      .map((s) => `<li><a href="/manage/${escapeHtml(s.hash)}/apps">${escapeHtml(s.name)}</a> <code>${escapeHtml(s.hash)}</code> (${escapeHtml(s.plan)}, ${escapeHtml(s.currency)})</li>`)
      .join('');
    sendHtml(ctx.res, 200, layout('Stores', `<main class="content"><h1>Sandbox stores</h1><ul id="stores">${rows || '<li>No store yet: POST /__sandbox/stores</li>'}</ul><p><a href="/__sandbox/mail/view">Mail received by the sandbox's SMTP sink</a></p></main>`));
  });

  router.add('GET', '/manage/:hash/apps', (ctx) => {
    const store = platform.store(ctx.params.hash!);
    const app = platform.app(ctx.url.searchParams.get('app') ?? undefined);
    const user = selectedUser(platform, store, ctx);
    sendHtml(ctx.res, 200, appsPage(platform, store, app, user, ctx.url.searchParams.get('message')));
  });

  router.add('GET', '/manage/:hash/apps/:clientId/state', (ctx) => {
    const store = platform.store(ctx.params.hash!);
    const inst = store.installations[platform.app(ctx.params.clientId).clientId];
    sendJson(ctx.res, 200, { installed: inst?.installed ?? false, scope: inst?.installed ? inst.scope : null });
  });

  // Install: the iframe navigates here and is sent on to the app's auth callback with a fresh code,
  // as the control panel does after the merchant accepts the scopes.
  router.add('GET', '/manage/:hash/apps/:clientId/launch/install', (ctx) => {
    const store = platform.store(ctx.params.hash!);
    const app = platform.app(ctx.params.clientId);
    const user = selectedUser(platform, store, ctx);
    const scope = ctx.url.searchParams.get('scope') ?? undefined;
    const code = platform.mintCode(store, app, scope ?? defaultScope(), user.id);
    redirect(ctx.res, 302, platform.authCallbackUrl(store, app, code));
  });

  // Open: the load callback with a freshly signed JWT for the acting user.
  router.add('GET', '/manage/:hash/apps/:clientId/launch/load', (ctx) => {
    const store = platform.store(ctx.params.hash!);
    const app = platform.app(ctx.params.clientId);
    const user = selectedUser(platform, store, ctx);
    const inst = store.installations[app.clientId];
    if (!inst?.installed) {
      sendHtml(ctx.res, 409, layout('Not installed', '<p class="empty">This app is not installed on this store.</p>', true));
      return;
    }
    redirect(ctx.res, 302, platform.loadUrl(store, app, user, ctx.url.searchParams.get('url') ?? '/'));
  });

  // An app's page in the control panel, as BigCommerce serves it at the store's permanent address
  // `https://store-{hash}.mybigcommerce.com/manage/app/{appId}[/path]` (here `{sandbox}/store-{hash}/manage/app/...`):
  // the control panel opens the app in its frame through the load callback, with the path after the app's ID as the
  // signed payload's `url` claim ("also known as a deep link",
  // https://developer.bigcommerce.com/docs/integrations/apps/guide/callbacks; the path after the app's index page,
  // bigcommerce/dev-docs docs/api-docs/apps/guide/apps-14-deep-linking.md). The control panel's own query is not
  // passed on (`user_id` picks the sandbox's signed-in user). An app not installed on the store is not opened.
  const appPage = (ctx: RequestContext) => {
    const host = ctx.params.storeHost!;
    if (!host.startsWith('store-')) {
      sendHtml(ctx.res, 404, layout('Not found', '<p class="empty">No such page.</p>', true));
      return;
    }
    const store = platform.store(host.slice('store-'.length));
    const app = platform.appById(ctx.params.appId!);
    const user = selectedUser(platform, store, ctx);
    const prefix = `/${host}/manage/app/${ctx.params.appId}`;
    const path = ctx.url.pathname.slice(prefix.length).replace(/^\/*/, '/');
    const installed = store.installations[app.clientId]?.installed ?? false;
    const base = `/manage/${encodeURIComponent(store.hash)}/apps/${encodeURIComponent(app.clientId)}`;
    const frameSrc = installed ? `${base}/launch/load?${new URLSearchParams({ user_id: String(user.id), url: path }).toString()}` : null;
    sendHtml(ctx.res, installed ? 200 : 404, appsPage(platform, store, app, user, installed ? null : 'This app is not installed on this store.', frameSrc));
  };
  router.add('GET', '/:storeHost/manage/app/:appId', appPage);
  router.add('GET', '/:storeHost/manage/app/:appId/*path', appPage);

  // Uninstall: BigCommerce's servers call the app's uninstall callback; the browser only sees the outcome.
  router.add('POST', '/manage/:hash/apps/:clientId/uninstall', async (ctx) => {
    const store = platform.store(ctx.params.hash!);
    const app = platform.app(ctx.params.clientId);
    const form = parseObjectBody(ctx);
    const userId = typeof form.user_id === 'string' && form.user_id !== '' ? Number(form.user_id) : undefined;
    const user = platform.user(store, userId);
    const outcome = await platform.uninstall(store, app, user.id);
    const message = outcome.status === null
      ? `Uninstalled. The app's uninstall callback could not be reached (${outcome.error ?? 'no answer'}).`
      : `Uninstalled. The app's uninstall callback answered ${outcome.status}.`;
    redirect(ctx.res, 303, pageUrl(store.hash, app, user.id, message));
  });
}

function defaultScope(): string {
  return DEFAULT_APP_SCOPES.join(' ');
}

function appsPage(
  platform: Platform,
  store: StoreState,
  app: SandboxApp,
  user: SandboxUser,
  message: string | null,
  /** What the app's frame opens at once (an app page's deep link); about:blank until Install or Open otherwise. */
  frameSrc: string | null = null,
): string {
  const inst = store.installations[app.clientId];
  const installed = inst?.installed ?? false;
  const base = `/manage/${encodeURIComponent(store.hash)}/apps/${encodeURIComponent(app.clientId)}`;
  const userQuery = `user_id=${user.id}`;
  const userOptions = store.users
    .map((u) => `<option value="${u.id}"${u.id === user.id ? ' selected' : ''}>${escapeHtml(u.email)}${u.is_owner ? ' (owner)' : ''}</option>`)
    .join('');
  const appOptions = platform.apps
    .map((a) => `<option value="${escapeHtml(a.clientId)}"${a.clientId === app.clientId ? ' selected' : ''}>${escapeHtml(a.name ?? a.clientId)}</option>`)
    .join('');
  const body = `
<header class="topbar">
  <span class="logo">BigCommerce <small>sandbox</small></span>
  <span class="store" id="store-name">${escapeHtml(store.name)} <code id="store-hash">${escapeHtml(store.hash)}</code></span>
  <label class="switcher">Signed in as
    <select id="user-switcher" aria-label="Acting user">${userOptions}</select>
  </label>
</header>
<div class="shell">
  <nav class="sidebar" aria-label="Control panel">
    <a>Home</a><a>Orders</a><a>Products</a><a>Customers</a><a>Storefront</a><a>Marketing</a><a>Analytics</a>
    <a>Channel Manager</a><a>Settings</a><a class="active" aria-current="page">Apps</a>
    <span class="sub">My Apps</span>
    <a href="/__sandbox/mail/view" id="sandbox-mail-link">Mail received (sandbox)</a>
  </nav>
  <main class="content">
    ${message ? `<div class="flash" id="flash" role="status">${escapeHtml(message)}</div>` : ''}
    <section class="card" id="app-card" data-client-id="${escapeHtml(app.clientId)}">
      <div class="card-head">
        <div>
          <h1 id="app-name">${escapeHtml(app.name ?? 'App')}</h1>
          ${platform.apps.length > 1 ? `<select id="app-switcher" aria-label="App">${appOptions}</select>` : ''}
          <span id="install-state" class="badge ${installed ? 'on' : 'off'}" data-installed="${installed}">${installed ? 'Installed' : 'Not installed'}</span>
          <span id="install-scope" class="scope">${installed && inst?.scope ? escapeHtml(inst.scope) : ''}</span>
        </div>
        <div class="actions">
          <button id="install" type="button" class="primary">${installed ? 'Reinstall' : 'Install'}</button>
          <button id="open" type="button" ${installed ? '' : 'disabled'}>Open</button>
          <form method="post" action="${base}/uninstall" id="uninstall-form">
            <input type="hidden" name="user_id" value="${user.id}">
            <button id="uninstall" type="submit" class="danger" ${installed ? '' : 'disabled'}>Uninstall</button>
          </form>
        </div>
      </div>
    </section>
    <div class="frame-wrap">
      <iframe name="app" id="app-frame" title="${escapeHtml(app.name ?? 'App')}"
        src="${escapeHtml(frameSrc ?? 'about:blank')}"
        allow="clipboard-read; clipboard-write; fullscreen; payment; camera; microphone; geolocation"
        referrerpolicy="strict-origin-when-cross-origin"></iframe>
    </div>
    <section class="card" id="sandbox-mail" hidden>
      <h2>Mail received <small>(the sandbox's SMTP sink: what the app emailed)</small></h2>
      <ul id="sandbox-mail-list"></ul>
      <a href="/__sandbox/mail/view">Read them in full</a>
    </section>
  </main>
</div>
<script>
(() => {
  const base = ${JSON.stringify(base)};
  const userQuery = ${JSON.stringify(userQuery)};
  const frame = document.getElementById('app-frame');
  const state = document.getElementById('install-state');
  const scope = document.getElementById('install-scope');
  const openBtn = document.getElementById('open');
  const uninstallBtn = document.getElementById('uninstall');
  const installBtn = document.getElementById('install');
  installBtn.addEventListener('click', () => { frame.src = base + '/launch/install?' + userQuery; });
  openBtn.addEventListener('click', () => { frame.src = base + '/launch/load?' + userQuery; });
  document.getElementById('user-switcher').addEventListener('change', (e) => {
    const q = new URLSearchParams(location.search); q.set('user_id', e.target.value); q.delete('message');
    location.search = q.toString();
  });
  const appSwitcher = document.getElementById('app-switcher');
  if (appSwitcher) appSwitcher.addEventListener('change', (e) => {
    const q = new URLSearchParams(location.search); q.set('app', e.target.value); q.delete('message');
    location.search = q.toString();
  });
  async function refresh() {
    try {
      const res = await fetch(base + '/state', { cache: 'no-store' });
      const s = await res.json();
      state.textContent = s.installed ? 'Installed' : 'Not installed';
      state.dataset.installed = String(s.installed);
      state.className = 'badge ' + (s.installed ? 'on' : 'off');
      scope.textContent = s.scope || '';
      openBtn.disabled = !s.installed;
      uninstallBtn.disabled = !s.installed;
      installBtn.textContent = s.installed ? 'Reinstall' : 'Install';
    } catch { /* sandbox restarting */ }
  }
  setInterval(refresh, 500);
  // The mails the SMTP sink received (tests/sandbox/smtp), newest first; the section stays hidden without a sink.
  const mailSection = document.getElementById('sandbox-mail');
  const mailList = document.getElementById('sandbox-mail-list');
  async function mail() {
    try {
      const res = await fetch('/__sandbox/mail', { cache: 'no-store' });
      if (!res.ok) return;
      const { messages } = await res.json();
      mailSection.hidden = false;
      mailList.replaceChildren(...(messages.length ? messages.slice(-10).reverse().map((m) => {
        const li = document.createElement('li');
        li.dataset.testid = 'control-panel-mail';
        li.textContent = m.receivedAt.slice(0, 19).replace('T', ' ') + ' · to ' + m.to + ' · ' + m.subject;
        return li;
      }) : [Object.assign(document.createElement('li'), { textContent: 'No mail yet.' })]));
      setTimeout(mail, 3000);
    } catch { setTimeout(mail, 3000); }
  }
  void mail();
})();
</script>`;
  return layout(`Apps · ${store.name}`, body);
}

function layout(title: string, body: string, bare = false): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font-family: "Source Sans 3", "Source Sans Pro", system-ui, sans-serif; background: #f6f7f9; color: #313440; }
  .topbar { height: 56px; background: #313440; color: #fff; display: flex; align-items: center; gap: 24px; padding: 0 20px; }
  .logo { font-weight: 700; font-size: 18px; } .logo small { font-weight: 400; opacity: .7; }
  .store { opacity: .9; } .store code { opacity: .7; }
  .switcher { margin-left: auto; font-size: 14px; } .switcher select { margin-left: 8px; }
  .shell { display: flex; min-height: calc(100vh - 56px); }
  .sidebar { width: 240px; background: #fff; border-right: 1px solid #d9dce9; padding: 16px 0; display: flex; flex-direction: column; }
  .sidebar a { padding: 10px 24px; color: #313440; } .sidebar a.active { background: #f0f3ff; color: #3c64f4; font-weight: 600; border-left: 3px solid #3c64f4; }
  .sidebar .sub { padding: 6px 40px; font-size: 14px; color: #3c64f4; }
  .content { flex: 1; padding: 24px 32px; display: flex; flex-direction: column; gap: 16px; }
  .card { background: #fff; border-radius: 4px; box-shadow: 0 1px 4px rgba(49,52,64,.12); padding: 16px 24px; }
  .card-head { display: flex; align-items: center; justify-content: space-between; gap: 16px; }
  .card h1 { font-size: 20px; margin: 0 0 6px; }
  .badge { display: inline-block; font-size: 13px; padding: 2px 8px; border-radius: 10px; }
  .badge.on { background: #e5fbf2; color: #208831; } .badge.off { background: #f5f5f5; color: #8c93ad; }
  .scope { font-size: 12px; color: #5e637a; margin-left: 8px; }
  .actions { display: flex; gap: 8px; align-items: center; } .actions form { margin: 0; }
  button { font: inherit; padding: 8px 16px; border-radius: 4px; border: 1px solid #d9dce9; background: #fff; color: #3c64f4; cursor: pointer; }
  button.primary { background: #3c64f4; color: #fff; border-color: #3c64f4; }
  button.danger { color: #db3643; }
  button:disabled { opacity: .45; cursor: not-allowed; }
  .flash { background: #f0f3ff; border-left: 4px solid #3c64f4; padding: 10px 16px; }
  .frame-wrap { flex: 1; background: #fff; border-radius: 4px; box-shadow: 0 1px 4px rgba(49,52,64,.12); overflow: hidden; }
  #app-frame { display: block; width: 100%; height: calc(100vh - 56px - 200px); min-height: 640px; border: 0; }
  .empty { padding: 24px; }
</style>
</head>
<body${bare ? ' class="bare"' : ''}>${body}</body>
</html>`;
}
