/**
 * Connections to external clusters: add one (asked step by step, or given whole by another command or a test),
 * choose which cluster the sidebar and panels show, remove one. The connection goes to the user's
 * `tributary.connections` setting, its password to SecretStorage; a new connection is tried before it is saved.
 */
import * as vscode from 'vscode';
import { SECTION } from '../config';
import {
  ConnectionConfig,
  EMBEDDED_ID,
  SASL_MECHANISMS,
  REGISTRY_AUTH_KINDS,
  SECURITY_PROTOCOLS,
  SaslMechanism,
  SecurityProtocol,
  connectionToSetting,
  parseBootstrap,
  parseConnection,
  registrySecretKey,
  secretKey,
  usesSasl,
  usesTls,
} from '../clusters/connections';
import type { Services } from './services';

/** What a caller may pass instead of answering the prompts. */
interface ConnectionInput extends Partial<ConnectionConfig> {
  password?: string;
  /** The schema registry's basic-auth password or bearer token. */
  registrySecret?: string;
}

async function ask(title: string, prompt: string, value: string, validate: (v: string) => string | undefined, password = false): Promise<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, value, password, ignoreFocusOut: true, validateInput: (v) => validate(v.trim()) });
}

async function promptConnection(s: Services): Promise<ConnectionInput | undefined> {
  const title = 'Add Cluster Connection';
  const name = await ask(title, 'A name for the cluster', '', (v) =>
    !v ? 'Give a name' : v === EMBEDDED_ID ? `"${EMBEDDED_ID}" is the embedded broker's name` : undefined,
  );
  if (!name) return undefined;
  const existing = s.clusters.get(name.trim());
  const bootstrapServers = await ask(title, 'Bootstrap servers (host:port, comma separated)', existing?.bootstrapServers ?? 'localhost:9092', (v) => {
    try {
      parseBootstrap(v);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  });
  if (!bootstrapServers) return undefined;
  const protocol = await vscode.window.showQuickPick(
    SECURITY_PROTOCOLS.map((p) => ({ label: p, description: { PLAINTEXT: 'no encryption, no login', SSL: 'TLS', SASL_PLAINTEXT: 'login without TLS', SASL_SSL: 'login over TLS' }[p] })),
    { title, placeHolder: 'Security protocol (Kafka security.protocol)', ignoreFocusOut: true },
  );
  if (!protocol) return undefined;
  const input: ConnectionInput = { name: name.trim(), bootstrapServers: bootstrapServers.trim(), securityProtocol: protocol.label as SecurityProtocol };
  if (usesSasl(input as ConnectionConfig)) {
    const mechanism = await vscode.window.showQuickPick([...SASL_MECHANISMS], { title, placeHolder: 'SASL mechanism', ignoreFocusOut: true });
    if (!mechanism) return undefined;
    input.saslMechanism = mechanism as SaslMechanism;
    const username = await ask(title, 'User name', existing?.username ?? '', (v) => (v ? undefined : 'Give the user name'));
    if (!username) return undefined;
    input.username = username.trim();
    const password = await ask(title, `Password of ${input.username} (kept in VS Code's secret storage)`, '', () => undefined, true);
    if (password === undefined) return undefined;
    input.password = password;
  }
  if (usesTls(input as ConnectionConfig)) {
    const ca = await vscode.window.showQuickPick(
      [
        { label: 'Trust the system\'s certificate authorities', id: 'system' },
        { label: 'Choose a CA certificate file (PEM)…', id: 'file' },
        { label: 'Do not verify the certificates', description: 'development clusters only', id: 'none' },
      ],
      { title, placeHolder: 'How to check the brokers\' certificates', ignoreFocusOut: true },
    );
    if (!ca) return undefined;
    if (ca.id === 'file') {
      const picked = await vscode.window.showOpenDialog({ title: 'CA certificate (PEM)', canSelectMany: false, filters: { 'PEM certificates': ['pem', 'crt', 'cer'], 'All files': ['*'] } });
      if (!picked?.[0]) return undefined;
      input.caFile = picked[0].fsPath;
    }
    if (ca.id === 'none') input.verifyCertificates = false;
  }
  return (await promptRegistry(title, input, existing)) ? input : undefined;
}

/** The optional schema registry step; false when the user cancelled. */
async function promptRegistry(title: string, input: ConnectionInput, existing: ConnectionConfig | undefined): Promise<boolean> {
  const url = await ask(title, 'Schema registry URL (leave empty for none)', existing?.schemaRegistry?.url ?? '', (v) => {
    if (!v) return undefined;
    try {
      return /^https?:$/.test(new URL(v).protocol) ? undefined : 'Give an http:// or https:// URL';
    } catch {
      return 'Give an http:// or https:// URL';
    }
  });
  if (url === undefined) return false;
  if (!url.trim()) return true;
  const auth = await vscode.window.showQuickPick(
    REGISTRY_AUTH_KINDS.map((k) => ({ label: k, description: { none: 'no login', basic: 'user and password (basic.auth.user.info)', bearer: 'a bearer token' }[k] })),
    { title, placeHolder: 'How to log into the schema registry', ignoreFocusOut: true },
  );
  if (!auth) return false;
  input.schemaRegistry = { url: url.trim(), auth: auth.label as (typeof REGISTRY_AUTH_KINDS)[number] };
  if (auth.label === 'basic') {
    const username = await ask(title, 'Schema registry user name', existing?.schemaRegistry?.username ?? '', (v) => (v ? undefined : 'Give the user name'));
    if (!username) return false;
    input.schemaRegistry.username = username.trim();
  }
  if (auth.label !== 'none') {
    const secret = await ask(title, `Schema registry ${auth.label === 'basic' ? 'password' : 'token'} (kept in VS Code's secret storage)`, '', () => undefined, true);
    if (secret === undefined) return false;
    input.registrySecret = secret;
  }
  return true;
}

/** Adds (or replaces, by name) a connection after trying it, then shows it. */
export async function addConnection(s: Services, arg?: unknown): Promise<void> {
  const input = typeof arg === 'object' && arg !== null && 'bootstrapServers' in arg ? (arg as ConnectionInput) : await promptConnection(s);
  if (!input) return;
  const parsed = parseConnection(input);
  if ('problem' in parsed) throw new Error(parsed.problem);
  const config = parsed;
  // Tried first, so a typo in a port or a wrong password is found now, not when the tree fails later.
  const { ExternalCluster } = await import('../clusters/external-cluster'); // loaded on first use, as in ClusterRegistry
  const probe = new ExternalCluster({ config, password: input.password, connectTimeoutMs: 10_000, requestTimeoutMs: 15_000 });
  try {
    const status = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Connecting to ${config.name}…` }, () => probe.connect());
    s.output.info(`connection ${config.name}: cluster ${status.clusterId}, ${status.nodes.length} broker(s) at ${config.bootstrapServers}`);
  } finally {
    await probe.close();
  }
  if (usesSasl(config)) await s.secrets.store(secretKey(config.name), input.password ?? '');
  if (config.schemaRegistry && config.schemaRegistry.auth !== 'none') await s.secrets.store(registrySecretKey(config.name), input.registrySecret ?? '');
  const settings = vscode.workspace.getConfiguration(SECTION);
  const current = (settings.get<unknown[]>('connections') ?? []).filter((c) => (c as { name?: unknown })?.name !== config.name);
  await settings.update('connections', [...current, connectionToSetting(config)], vscode.ConfigurationTarget.Global);
  // The setting's change event rebuilds the list; this makes it take effect before the selection below.
  s.clusters.setConnections([...s.clusters.list().filter((c) => c.name !== config.name), config]);
  s.clusters.forget(config.name);
  s.clusters.select(config.name);
  void vscode.window.showInformationMessage(`Connected to ${config.name}: the Tributary view now shows it.`);
}

/** Chooses the cluster the sidebar and the panels show. */
export async function selectCluster(s: Services, arg?: unknown): Promise<void> {
  let name = typeof arg === 'string' ? arg : undefined;
  if (name === undefined) {
    const items: Array<vscode.QuickPickItem & { id: string }> = [
      { label: '$(server-environment) Embedded broker', description: 'Tributary, in this window', id: EMBEDDED_ID },
      ...s.clusters.list().map((c) => ({ label: `$(cloud) ${c.name}`, description: `${c.bootstrapServers} · ${c.securityProtocol}${c.saslMechanism ? ` ${c.saslMechanism}` : ''}`, id: c.name })),
      { label: '$(add) Add Cluster Connection…', id: '' },
    ];
    for (const i of items) if (i.id === s.clusters.active) i.detail = 'shown now';
    const picked = await vscode.window.showQuickPick(items, { title: 'Show Cluster', placeHolder: 'The cluster the Tributary view and panels show' });
    if (!picked) return;
    if (!picked.id) return addConnection(s);
    name = picked.id;
  }
  s.clusters.select(name);
}

/** Removes a connection and its password. */
export async function removeConnection(s: Services, arg?: unknown): Promise<void> {
  let name = typeof arg === 'string' ? arg : undefined;
  if (name === undefined) {
    const picked = await vscode.window.showQuickPick(s.clusters.list().map((c) => ({ label: c.name, description: c.bootstrapServers })), { title: 'Remove Cluster Connection' });
    if (!picked) return;
    name = picked.label;
  }
  const settings = vscode.workspace.getConfiguration(SECTION);
  const current = settings.get<unknown[]>('connections') ?? [];
  await settings.update('connections', current.filter((c) => (c as { name?: unknown })?.name !== name), vscode.ConfigurationTarget.Global);
  await s.secrets.delete(secretKey(name));
  await s.secrets.delete(registrySecretKey(name));
  s.clusters.setConnections(s.clusters.list().filter((c) => c.name !== name));
}
