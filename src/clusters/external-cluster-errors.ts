/**
 * How an external cluster's failures reach the UI: as the broker's own KafkaError where Kafka answered with an error
 * code (so the panels show the same names and messages as on the embedded broker), as LocalOnlyError where only the
 * embedded broker can do what was asked, and otherwise with the socket's or TLS's own reason.
 */
import { ErrorCode, ErrorName, KafkaError, errorName } from '../broker/errors';

/** Thrown for what needs the embedded broker's process or files. */
export class LocalOnlyError extends Error {
  readonly errorName = 'LOCAL_ONLY';
  constructor(what: string, why = "an external cluster's files and processes are not on this machine") {
    super(`${what} needs the embedded broker: ${why}.`);
    this.name = 'LocalOnlyError';
  }
}

/** A client library error as the broker's own KafkaError (Kafka's error name and the broker's message), else as is. */
function asKafkaError(e: unknown): Error {
  const seen = new Set<unknown>();
  const find = (x: unknown): { apiId?: string; message?: string; serverErrorMessage?: string } | undefined => {
    if (!x || typeof x !== 'object' || seen.has(x)) return undefined;
    seen.add(x);
    const o = x as { apiId?: string; errors?: unknown[]; cause?: unknown };
    if (typeof o.apiId === 'string' && o.apiId in ErrorCode) return o;
    for (const inner of o.errors ?? []) {
      const f = find(inner);
      if (f) return f;
    }
    return find(o.cause);
  };
  const p = find(e);
  if (p) return new KafkaError(p.apiId as ErrorName, p.serverErrorMessage || p.message || p.apiId);
  if (e instanceof Error) {
    const code = (e as { code?: string }).code;
    if (code === 'PLT_KFK_AUTHENTICATION') return new KafkaError('SASL_AUTHENTICATION_FAILED', e.message);
    // The library's aggregates ("metadata failed 2 times", "Cannot connect to any broker.") hide the socket's or
    // TLS's own reason in their nested causes: the innermost messages say what went wrong.
    const leaves: string[] = [];
    const walk = (x: unknown, depth: number) => {
      if (!x || typeof x !== 'object' || depth > 6) return;
      const o = x as { message?: string; errors?: unknown[]; cause?: unknown };
      const inner = [...(o.errors ?? []), ...(o.cause ? [o.cause] : [])];
      if (!inner.length && o.message) leaves.push(o.message);
      for (const i of inner) walk(i, depth + 1);
    };
    walk(e, 0);
    const causes = [...new Set(leaves)].filter((m) => m !== e.message);
    if (causes.length) return new Error(`${e.message} (${causes.join('; ')})`, { cause: e });
    return e;
  }
  return new Error(String(e));
}

/** A request through the client library, its failure as asKafkaError says. */
export async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw asKafkaError(e);
  }
}

/** An error code of a response's partition (the library leaves those to the caller) as a KafkaError. */
export function partitionError(code: number, message: string): KafkaError {
  const known = errorName(code);
  const name: ErrorName = known in ErrorCode ? (known as ErrorName) : 'UNKNOWN_SERVER_ERROR';
  return new KafkaError(name, `${message}: ${name}`);
}
