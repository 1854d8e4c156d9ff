// The preview server's data endpoints. The page tells us where they are (data-api-base), so the router can
// be mounted under any path.
const base = () => document.getElementById('reco-preview').dataset.apiBase;

/** fetch + JSON; a failed call rejects with the { status, statusText, body } shape LDS errors have. */
export async function requestJson(path, init = {}) {
    const response = await fetch(`${base()}${path}`, {
        ...init,
        headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) }
    });
    const body = await response.json().catch(() => ({ message: response.statusText }));
    if (!response.ok) {
        throw { status: response.status, statusText: response.statusText, body, ok: false };
    }
    return body;
}

// Live wire adapters, so a record change can make every list showing data re-read it (what LDS's cache does).
const live = new Set();

export function track(adapter) {
    live.add(adapter);
    return () => live.delete(adapter);
}

export function refreshAll() {
    return Promise.all([...live].map((adapter) => adapter.load()));
}

/**
 * A class-based wire adapter (constructor(dataCallback), update(config), connect, disconnect) that calls
 * fetchFor(config) whenever the config changes, and skips configs whose required ids are still undefined,
 * as LDS does.
 */
export function fetchingAdapter(fetchFor, isReady) {
    return class {
        constructor(dataCallback) {
            this.dataCallback = dataCallback;
            this.dataCallback({ data: undefined, error: undefined });
        }

        update(config) {
            this.config = config;
            this.load();
        }

        connect() {
            this.untrack = track(this);
        }

        disconnect() {
            if (this.untrack) this.untrack();
        }

        async load() {
            const config = this.config;
            if (!config || !isReady(config)) return;
            try {
                const data = await fetchFor(config);
                if (config === this.config) this.dataCallback({ data, error: undefined });
            } catch (error) {
                if (config === this.config) this.dataCallback({ data: undefined, error });
            }
        }
    };
}
