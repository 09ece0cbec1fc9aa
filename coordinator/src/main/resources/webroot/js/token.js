// The control token: asked for once through the inline form in the page (never window.prompt), kept
// in sessionStorage for this tab, and announced to whoever needs to reconnect with it.

const KEY = 'clickstream.controlToken';
const listeners = new Set();
let pending = null;

export function currentToken() {
  try {
    return sessionStorage.getItem(KEY) || '';
  } catch {
    return '';
  }
}

/** Called with the new token whenever the operator enters one. */
export function onTokenChange(listener) {
  listeners.add(listener);
}

/**
 * Resolves once the operator has entered a token. Concurrent callers share one form. rejected is the
 * token the server just refused, if any, so the form can say so.
 */
export function requestToken(reason, rejected) {
  if (pending) return pending;
  if (rejected && rejected === currentToken()) {
    sessionStorage.removeItem(KEY);
  }
  const form = document.getElementById('token-form');
  const input = document.getElementById('token-input');
  document.getElementById('token-reason').textContent =
    rejected ? `The token was refused (${reason}). Enter the right one.` : `${reason}.`;
  form.hidden = false;
  document.dispatchEvent(new CustomEvent('clickstream:token-needed'));
  input.value = '';
  input.focus();
  pending = new Promise((resolve) => {
    form.addEventListener('submit', function submitted(event) {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      form.removeEventListener('submit', submitted);
      sessionStorage.setItem(KEY, token);
      form.hidden = true;
      pending = null;
      listeners.forEach((l) => l(token));
      resolve(token);
    });
  });
  return pending;
}
