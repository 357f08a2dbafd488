// What browser tests (and only they) use to read and replace the editor's text without typing.

export interface OverlookIdeBridge {
  getText(): string;
  setText(s: string): void;
}

declare global {
  interface Window {
    __overlookIde?: OverlookIdeBridge;
  }
}
