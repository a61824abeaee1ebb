/**
 * Injected faults between virtual nodes: a cut link stops replication between two nodes (both ways), a paused
 * follower stops fetching, a slow follower waits before each fetch. Stopping a node is the cluster's job.
 */
export class Faults {
  private readonly cut = new Set<string>();
  private readonly paused = new Set<number>();
  private readonly slow = new Map<number, number>();

  private static link(a: number, b: number): string {
    return a < b ? `${a}-${b}` : `${b}-${a}`;
  }

  cutLink(a: number, b: number): void {
    this.cut.add(Faults.link(a, b));
  }
  healLink(a: number, b: number): void {
    this.cut.delete(Faults.link(a, b));
  }
  isCut(a: number, b: number): boolean {
    return this.cut.has(Faults.link(a, b));
  }

  pauseFollower(node: number): void {
    this.paused.add(node);
  }
  resumeFollower(node: number): void {
    this.paused.delete(node);
  }
  isPaused(node: number): boolean {
    return this.paused.has(node);
  }

  /** Each fetch of `node` waits `delayMs` first (0 removes the delay). */
  slowFollower(node: number, delayMs: number): void {
    if (delayMs > 0) this.slow.set(node, delayMs);
    else this.slow.delete(node);
  }
  delayOf(node: number): number {
    return this.slow.get(node) ?? 0;
  }

  clear(): void {
    this.cut.clear();
    this.paused.clear();
    this.slow.clear();
  }

  describe(): { cutLinks: string[]; paused: number[]; slow: Array<{ node: number; delayMs: number }> } {
    return { cutLinks: [...this.cut], paused: [...this.paused], slow: [...this.slow].map(([node, delayMs]) => ({ node, delayMs })) };
  }
}
