/** The broker's log lines go through this seam: the CLI prints them, the extension shows them in its output channel. */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  debug?(msg: string): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.log(`[${new Date().toISOString()}] INFO ${m}`),
  warn: (m) => console.warn(`[${new Date().toISOString()}] WARN ${m}`),
  error: (m) => console.error(`[${new Date().toISOString()}] ERROR ${m}`),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** A logger that keeps lines in memory, for tests that assert what the broker said. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info(m: string): void {
    this.lines.push(`INFO ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`WARN ${m}`);
  }
  error(m: string): void {
    this.lines.push(`ERROR ${m}`);
  }
}
