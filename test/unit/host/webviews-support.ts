/**
 * What the panel-routing tests share: a real broker in this process (BrokerService on a temp dir, any free ports) as
 * the routers' BrokerSource, and a PanelEnvironment that records what a router posts (as it would cross the
 * webview channel: through JSON) and what it asks of VS Code.
 */
import { strict as assert } from 'node:assert';
import { BrokerService } from '../../../src/service/broker-service';
import type { BrokerServiceOptions } from '../../../src/broker/api';
import type { BrokerSource, LinkedDocument, PanelEnvironment, PanelRouter } from '../../../src/webviews/panel-router';
import { IpcCommand, IpcMessage, IpcNotification, IpcRequest, ipcMessage } from '../../../src/shared/webview-protocol';
import { tmpDir, rm } from '../../support/tmp';

export class RecordingEnv implements PanelEnvironment {
  readonly posted: IpcMessage[] = [];
  readonly copied: Array<{ text: string; label?: string }> = [];
  readonly messages: Array<{ level: string; message: string }> = [];
  readonly documents: Array<{ content: string; name: string; language: string }> = [];
  readonly opened: string[] = [];
  readonly logs: Array<{ level: string; message: string }> = [];
  /** When set, post() returns this promise (a slow webview). */
  postDelay: (() => Promise<unknown>) | undefined;

  post(message: IpcMessage): unknown {
    this.posted.push(JSON.parse(JSON.stringify(message)) as IpcMessage);
    return this.postDelay?.();
  }
  copy(text: string, label?: string): void {
    this.copied.push(label === undefined ? { text } : { text, label });
  }
  showMessage(level: 'info' | 'warning' | 'error', message: string): void {
    this.messages.push({ level, message });
  }
  openDocument(content: string, name: string, language: string): void {
    this.documents.push({ content, name, language });
  }
  /** Editors opened with editDocument: a test types into one with change(), closes it with close(). */
  readonly edited: Array<{ content: string; language: string; name: string; linked: boolean; change(text: string): void; close(): void }> = [];
  async editDocument(content: string, language: string, onChange: (text: string) => void, onClose: () => void): Promise<LinkedDocument> {
    const name = `Untitled-${this.edited.length + 1}`;
    const doc = {
      content,
      language,
      name,
      linked: true,
      change: (text: string) => {
        doc.content = text;
        if (doc.linked) onChange(text);
      },
      close: () => {
        if (!doc.linked) return;
        doc.linked = false;
        onClose();
      },
    };
    this.edited.push(doc);
    return { name, dispose: () => (doc.linked = false) };
  }
  openExternal(url: string): void {
    this.opened.push(url);
  }
  log(level: 'info' | 'warn' | 'error', message: string): void {
    this.logs.push({ level, message });
  }

  /** Notifications of one kind, their params. */
  of<P>(n: IpcNotification<P>): P[] {
    return this.posted.filter((m) => m.method === n.method).map((m) => m.params as P);
  }

  async waitFor<P>(n: IpcNotification<P>, until: (all: P[]) => boolean = (all) => all.length > 0, timeoutMs = 15000): Promise<P[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = this.of(n);
      if (until(all)) return all;
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${n.method} (${all.length} so far)`);
      await sleep(20);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Sends a request to a router and returns its answer (params, or the error). */
export async function request<P, R>(router: PanelRouter, env: RecordingEnv, req: IpcRequest<P, R>, params: P): Promise<{ result?: R; error?: { message: string; code?: string } }> {
  const msg = ipcMessage(req, params);
  await router.handle(JSON.parse(JSON.stringify(msg)));
  const reply = env.posted.find((m) => m.completionId === msg.id);
  assert.ok(reply, `no answer to ${req.method}`);
  assert.equal(reply.method, req.response.method);
  return reply.error ? { error: reply.error } : { result: reply.params as R };
}

export async function command<P>(router: PanelRouter, cmd: IpcCommand<P>, params: P): Promise<void> {
  await router.handle(JSON.parse(JSON.stringify(ipcMessage(cmd, params))));
}

export interface TestService {
  service: BrokerService;
  source: BrokerSource;
  dataDir: string;
  stop(): Promise<void>;
}

/** A running BrokerService on a temp directory, events every 50 ms. */
export async function startService(opts: Partial<BrokerServiceOptions> = {}): Promise<TestService> {
  const dataDir = tmpDir('tributary-webviews-');
  const service = new BrokerService({ dataDir, nodes: 1, basePort: 0, ...opts });
  await service.start();
  return {
    service,
    dataDir,
    source: { api: async () => service, onEvent: (l) => service.onEvent(l) },
    async stop() {
      await service.stop();
      rm(dataDir);
    },
  };
}
