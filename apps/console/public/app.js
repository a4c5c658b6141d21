// Entry point: sign-in (authorization code + PKCE), hash routing, the layout and navigation.
import { Component, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { configure, handleCallback, isSignedIn, signIn, signOut } from './auth.js';
import { KeysPage, SettingsPage, UsersPage } from './pages-admin.js';
import { AuditPage } from './pages-audit.js';
import { ClientFormPage, ClientListPage } from './pages-clients.js';
import { DashboardPage } from './pages-dashboard.js';
import { ResourceServerPage } from './pages-resource-server.js';
import { ResourcesPage } from './pages-resources.js';
import { AssociateScopesPage, ScopesPage } from './pages-scopes.js';
import { ScopePage } from './pages-scope.js';
import { DeviceRequestsPage } from './pages-device-requests.js';
import { ImportExportPage } from './pages-import-export.js';
import { TokensPage } from './pages-tokens.js';
import { UserSessionsPage } from './pages-user-sessions.js';
import { html } from './ui.js';

const root = document.getElementById('app');
/** Set by the server in the page: {issuer, clientId, resourceServerUrl}. */
const config = JSON.parse(root.dataset.config ?? '{}');
configure(config);

const NAV = [
  ['#/dashboard', 'Dashboard'],
  ['#/clients', 'Client Registration'],
  ['#/scopes', 'Scopes'],
  ['#/resources', 'Resources'],
  ['#/tokens', 'Token Management'],
  ['#/device-requests', 'Device Requests'],
  ['#/settings', 'OAuth Settings'],
  ['#/users', 'Users'],
  ['#/keys', 'Signing Keys'],
  ['#/audit', 'Audit Trail'],
  ['#/resource-server', 'Resource Server'],
  ['#/import-export', 'Import / Export'],
];

/** The page for a hash route; null when unknown. */
function route(hash) {
  const path = hash.replace(/^#/, '').split('?')[0] || '/dashboard';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [section, id, sub] = parts;
  switch (section) {
    case 'dashboard':
      return html`<${DashboardPage} resourceServerUrl=${config.resourceServerUrl} />`;
    case 'clients':
      if (!id) return html`<${ClientListPage} />`;
      if (id === 'new') return html`<${ClientFormPage} />`;
      if (sub === 'scopes') return html`<${AssociateScopesPage} clientId=${id} />`;
      // #/clients/{id}/created: where Add New Client leaves the address; reloaded, it is Edit Client.
      return html`<${ClientFormPage} clientId=${id} />`;
    case 'scopes':
      if (id) return html`<${ScopePage} name=${id} />`;
      return html`<${ScopesPage} />`;
    case 'resources':
      return html`<${ResourcesPage} />`;
    case 'tokens':
      return html`<${TokensPage} />`;
    case 'device-requests':
      return html`<${DeviceRequestsPage} />`;
    case 'settings':
      return html`<${SettingsPage} />`;
    case 'users':
      if (id && sub === 'sessions') return html`<${UserSessionsPage} userId=${id} />`;
      return html`<${UsersPage} />`;
    case 'keys':
      return html`<${KeysPage} />`;
    case 'audit':
      return html`<${AuditPage} />`;
    case 'resource-server':
      return html`<${ResourceServerPage} url=${config.resourceServerUrl} />`;
    case 'import-export':
      return html`<${ImportExportPage} />`;
    default:
      return html`<section><h1>Not found</h1><p>No such page. <a href="#/clients">Go to Client Registration</a>.</p></section>`;
  }
}

/** A page that fails to render says so instead of leaving the screen blank. */
class PageBoundary extends Component {
  componentDidCatch(error) {
    console.error(error);
    this.setState({ error });
  }
  render({ children }, { error }) {
    if (!error) return children;
    return html`<section><h1>This page failed</h1><div class="notice error" role="alert">${String(error?.message ?? error)}</div></section>`;
  }
}

/** The current hash route, and a counter that changes on every navigation (even to the same route). */
function useHash() {
  const [state, setState] = useState({ hash: location.hash, visit: 0 });
  useEffect(() => {
    const update = () => setState((previous) => ({ hash: location.hash, visit: previous.visit + 1 }));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return state;
}

function Console() {
  const { hash: currentHash, visit } = useHash();
  const hash = currentHash || '#/dashboard';
  const current = `#/${hash.replace(/^#\/?/, '').split(/[/?]/)[0]}`;
  // On a phone-width screen the navigation folds behind a Menu button; any navigation folds it again.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [visit]);
  const logout = async () => {
    await signOut();
    location.assign('/console');
  };
  return html`<div class="shell">
    <a class="skip-link" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
    <header class="topbar">
      <button type="button" class="secondary nav-toggle" aria-expanded=${menuOpen} aria-controls="console-nav" onClick=${() => setMenuOpen(!menuOpen)}>Menu</button>
      <span class="brand">Portcullis</span>
      <button type="button" class="secondary" onClick=${logout}>Sign out</button>
    </header>
    <nav id="console-nav" class=${menuOpen ? 'sidebar open' : 'sidebar'} aria-label="Main"
      onClick=${(e) => e.target.closest('a') && setMenuOpen(false)}
      onKeyDown=${(e) => { if (e.key === 'Escape' && menuOpen) { setMenuOpen(false); document.querySelector('.nav-toggle')?.focus(); } }}>
      <ul>${NAV.map(([href, label]) => html`<li key=${href}><a href=${href} aria-current=${current === href ? 'page' : undefined}>${label}</a></li>`)}</ul>
    </nav>
    <main id="main" tabindex="-1" key=${visit}><${PageBoundary}>${route(hash)}<//></main>
  </div>`;
}

function SignInScreen({ error }) {
  return html`<main class="signin">
    <h1>Portcullis console</h1>
    ${error && html`<div class="notice error" role="alert">${error}</div>`}
    <p>Sign in with an account that has the access-control permission.</p>
    <button type="button" onClick=${() => signIn('#/dashboard')}>Sign in</button>
  </main>`;
}

async function start() {
  // The redirect URI is registered under AUTH_ISSUER only: a console opened under another name
  // of the same server (127.0.0.1 for localhost) moves there before signing in.
  const issuerOrigin = config.issuer ? new URL(config.issuer).origin : location.origin;
  if (location.origin !== issuerOrigin) {
    location.replace(`${issuerOrigin}/console${location.hash}`);
    return;
  }
  if (location.pathname === '/console/callback') {
    try {
      await handleCallback();
    } catch (error) {
      root.textContent = '';
      render(html`<${SignInScreen} error=${error instanceof Error ? error.message : String(error)} />`, root);
      return;
    }
  }
  if (!isSignedIn()) {
    await signIn(location.hash || '#/dashboard');
    return;
  }
  root.textContent = '';
  render(html`<${Console} />`, root);
}

void start();
