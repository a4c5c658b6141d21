// A user's OpenID Connect profile (the claims /oauth/userinfo answers), edited from the Users page.
import { useState } from 'preact/hooks';
import { admin } from './api.js';
import { ErrorNotice, Field, html } from './ui.js';

/** [claim, label, input type, hint] in the order OpenID Connect Core §5.1 lists them. */
const TEXT_CLAIMS = [
  ['name', 'Full name', 'text'],
  ['given_name', 'Given name', 'text'],
  ['family_name', 'Family name', 'text'],
  ['middle_name', 'Middle name', 'text'],
  ['nickname', 'Nickname', 'text'],
  ['preferred_username', 'Preferred username', 'text'],
  ['profile', 'Profile page URL', 'url'],
  ['picture', 'Picture URL', 'url'],
  ['website', 'Website', 'url'],
  ['gender', 'Gender', 'text'],
  ['birthdate', 'Birthdate', 'text', 'YYYY-MM-DD, 0000-MM-DD to withhold the year, or YYYY.'],
  ['zoneinfo', 'Time zone', 'text', 'An IANA time zone, e.g. Europe/Paris.'],
  ['locale', 'Locale', 'text', 'A BCP 47 language tag, e.g. en-US.'],
  ['email', 'Email', 'email'],
  ['phone_number', 'Phone number', 'tel', 'E.164, e.g. +14155550100; an extension as ;ext=123.'],
];
/** [claim, label, the claim it vouches for] */
const VERIFIED_CLAIMS = [
  ['email_verified', 'Email verified', 'email'],
  ['phone_number_verified', 'Phone number verified', 'phone_number'],
];
const ADDRESS_PARTS = [
  ['street_address', 'Street address'],
  ['locality', 'City or locality'],
  ['region', 'Region'],
  ['postal_code', 'Postal code'],
  ['country', 'Country'],
  ['formatted', 'Formatted address'],
];

function toForm(profile) {
  const form = {};
  for (const [claim] of TEXT_CLAIMS) form[claim] = profile[claim] ?? '';
  for (const [claim] of VERIFIED_CLAIMS) form[claim] = profile[claim] === true;
  for (const [part] of ADDRESS_PARTS) form[`address.${part}`] = profile.address?.[part] ?? '';
  return form;
}

/** The whole profile as a PATCH: an emptied field is null, which removes the claim. */
function toChanges(form) {
  const text = (value) => (value.trim() === '' ? null : value.trim());
  const changes = {};
  for (const [claim] of TEXT_CLAIMS) changes[claim] = text(form[claim]);
  // No email, no email_verified: the flag only says something about a value.
  for (const [claim, , of] of VERIFIED_CLAIMS) changes[claim] = changes[of] === null ? null : form[claim];
  const address = Object.fromEntries(ADDRESS_PARTS.map(([part]) => [part, text(form[`address.${part}`])]));
  changes.address = Object.values(address).some((value) => value !== null) ? address : null;
  return changes;
}

/** The profile form of one user; `onDone(message)` after a save or on cancel (message null). */
export function UserProfileEditor({ user, onDone }) {
  const [form, setForm] = useState(() => toForm(user.profile ?? {}));
  const [saveError, setSaveError] = useState(null);
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const save = async (event) => {
    event.preventDefault();
    setSaveError(null);
    try {
      await admin.patch(`/users/${encodeURIComponent(user.id)}`, { profile: toChanges(form) });
      onDone(`Profile of ${user.username} saved.`);
    } catch (caught) {
      setSaveError(caught);
    }
  };
  const updated = user.profile?.updated_at ? new Date(user.profile.updated_at * 1000).toLocaleString() : 'never';
  return html`<form class="panel" onSubmit=${save} novalidate aria-labelledby="profile-title">
    <h2 id="profile-title">Profile of ${user.username}</h2>
    <p class="muted">The OpenID Connect claims that relying parties read at /oauth/userinfo, by the scopes the user granted. Last changed: ${updated}.</p>
    ${TEXT_CLAIMS.map(([claim, label, type, hint]) => html`<${Field} key=${claim} label=${label} name=${`profile.${claim}`} type=${type} hint=${hint}
      error=${saveError} value=${form[claim]} autocomplete="off" onInput=${set(claim)} />`)}
    ${VERIFIED_CLAIMS.map(([claim, label]) => html`<label class="choice" key=${claim}><input type="checkbox" name=${`profile.${claim}`} checked=${form[claim]}
      onChange=${(e) => set(claim)(e.currentTarget.checked)} /> ${label}</label>`)}
    <fieldset>
      <legend>Address</legend>
      ${ADDRESS_PARTS.map(([part, label]) => html`<${Field} key=${part} label=${label} name=${`profile.address.${part}`} error=${saveError}
        value=${form[`address.${part}`]} autocomplete="off" onInput=${set(`address.${part}`)} />`)}
    </fieldset>
    ${saveError && !saveError.fieldErrors?.length && html`<${ErrorNotice} error=${saveError} />`}
    <div class="actions">
      <button type="submit">Save profile</button>
      <button type="button" class="secondary" onClick=${() => onDone(null)}>Cancel</button>
    </div>
  </form>`;
}
