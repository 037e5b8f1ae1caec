import type { BrowserContext, Frame, Page, Worker } from 'playwright-core';

export const EXTENSION_DIR: string;
export function chromePath(): string;
export function launchWithExtension(options?: { viewport?: { width: number; height: number }; args?: string[]; lang?: string }): Promise<{
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  close(): Promise<void>;
}>;
export function panelFrame(page: Page, timeout?: number): Promise<Frame>;
