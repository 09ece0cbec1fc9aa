// The live feed: an EventSource on /api/events (event "status", one /api/status document a second).
// It reconnects on its own when the connection drops or goes silent, with a growing pause between
// tries, and reports its state ("connecting", "live", "reconnecting") so the page can say so.

import { call, withAccessToken } from './api.js';
import { onTokenChange } from './token.js';

const SILENCE_MS = 5000;
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 10000;

export class StatusStream {
  /**
   * onStatus(status) for each document; onConnected() after each (re)connection, when the chart
   * history should be reloaded; onState(state) when the connection state changes.
   */
  constructor({ onStatus, onConnected, onState }) {
    this.onStatus = onStatus;
    this.onConnected = onConnected;
    this.onState = onState;
    this.source = null;
    this.state = null;
    this.lastEventAt = 0;
    this.retryMs = RETRY_MIN_MS;
    this.retryTimer = null;
    onTokenChange(() => this.open());
  }

  start() {
    this.setState('connecting');
    this.open();
    // A half-open connection (coordinator frozen, network gone) raises no error: watch for silence.
    setInterval(() => {
      if (this.state === 'live' && Date.now() - this.lastEventAt > SILENCE_MS) {
        this.dropped();
      }
    }, 1000);
  }

  open() {
    this.closeSource();
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const source = new EventSource(withAccessToken('/api/events'));
    this.source = source;
    let first = true;
    source.addEventListener('status', (event) => {
      if (source !== this.source) return;
      this.lastEventAt = Date.now();
      this.retryMs = RETRY_MIN_MS;
      if (first) {
        first = false;
        this.onConnected();
      }
      this.setState('live');
      this.onStatus(JSON.parse(event.data));
    });
    source.addEventListener('error', () => {
      if (source === this.source) this.dropped();
    });
  }

  /** Closes the dead source and tries again after a pause; first asks /api/status why, so a 401 brings up the token form. */
  dropped() {
    this.closeSource();
    this.setState('reconnecting');
    if (this.retryTimer) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    this.retryTimer = setTimeout(async () => {
      try {
        await call('GET', '/api/status');
      } catch {
        // Unreachable or failing: the EventSource will tell us again.
      }
      this.retryTimer = null;
      if (!this.source) this.open();
    }, wait);
  }

  closeSource() {
    if (this.source) {
      this.source.close();
      this.source = null;
    }
  }

  setState(state) {
    if (state !== this.state) {
      this.state = state;
      this.onState(state);
    }
  }
}
