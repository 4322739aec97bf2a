// The webview's side of the protocol: a typed wrapper over acquireVsCodeApi (callable once per page).
import type { HostToWebview, PanelWebviewState, WebviewToHost } from '../src/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function send(message: WebviewToHost): void {
  api.postMessage(message);
}

export function savedState(): Partial<PanelWebviewState> | undefined {
  const s = api.getState();
  return typeof s === 'object' && s !== null ? (s as Partial<PanelWebviewState>) : undefined;
}

export function saveState(state: PanelWebviewState): void {
  api.setState(state);
}

export function onHostMessage(handler: (message: HostToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: unknown } | null;
    // Only the host posts to this page; still, ignore anything that is not one of its messages.
    if (data && typeof data === 'object' && typeof data.type === 'string') handler(data as HostToWebview);
  });
}
