// The CodeMirror 6 host of the IDE. The view is made once; opening another file replaces its state
// (fresh undo history), and read-only mode is a compartment so it can flip without losing the text.
import { useEffect, useRef, useState } from 'react';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorSelection, EditorState, type Extension } from '@codemirror/state';
import {
  EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers,
} from '@codemirror/view';
import { lookmlLanguage } from './lookml-mode.ts';
import type { GotoTarget } from './types.ts';
import './editor-bridge.ts';

export interface EditorFile {
  path: string;
  content: string;
  /** Bumped on every (re)load so the same path reloaded from the server replaces the text. */
  version: number;
}

interface EditorProps {
  file: EditorFile | null;
  readOnly: boolean;
  goto: GotoTarget | null;
  onChange: (text: string) => void;
  onSave: () => void;
}

function clampedPosition(state: EditorState, target: GotoTarget): number {
  const lineNo = Math.min(Math.max(target.line, 1), state.doc.lines);
  const line = state.doc.line(lineNo);
  return Math.min(line.from + Math.max(target.column - 1, 0), line.to);
}

interface Callbacks {
  onChange: (text: string) => void;
  onSave: () => void;
}

function editorExtensions(readOnly: boolean, readOnlyCompartment: Compartment, callbacks: { readonly current: Callbacks }): Extension[] {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    highlightActiveLine(),
    lookmlLanguage,
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    keymap.of([
      { key: 'Mod-s', preventDefault: true, run: () => { callbacks.current.onSave(); return true; } },
      indentWithTab, ...defaultKeymap, ...historyKeymap,
    ]),
    readOnlyCompartment.of(readOnlyExtension(readOnly)),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
    }),
    EditorView.contentAttributes.of({ 'aria-label': 'LookML file contents' }),
  ];
}

function readOnlyExtension(readOnly: boolean): Extension {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}

export function Editor({ file, readOnly, goto, onChange, onSave }: EditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const [readOnlyCompartment] = useState(() => new Compartment());
  const callbacks = useRef<Callbacks>({ onChange, onSave });
  const readOnlyRef = useRef(readOnly);

  useEffect(() => {
    callbacks.current = { onChange, onSave };
    readOnlyRef.current = readOnly;
  });

  useEffect(() => {
    const host = hostRef.current;
    if (host === null) return;
    const view = new EditorView({ parent: host, state: EditorState.create({ doc: '', extensions: editorExtensions(readOnlyRef.current, readOnlyCompartment, callbacks) }) });
    viewRef.current = view;
    window.__overlookIde = {
      getText: () => view.state.doc.toString(),
      setText: (s: string) => { view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: s } }); },
    };
    return () => {
      delete window.__overlookIde;
      viewRef.current = null;
      view.destroy();
    };
  }, [readOnlyCompartment]);

  // Declared before the goto effect: a click on an error in another file loads it, then moves there.
  useEffect(() => {
    const view = viewRef.current;
    if (view === null) return;
    view.setState(EditorState.create({ doc: file?.content ?? '', extensions: editorExtensions(readOnlyRef.current, readOnlyCompartment, callbacks) }));
  }, [file, readOnlyCompartment]);

  useEffect(() => {
    viewRef.current?.dispatch({
      effects: readOnlyCompartment.reconfigure(readOnlyExtension(readOnly)),
    });
  }, [readOnly, readOnlyCompartment]);

  useEffect(() => {
    const view = viewRef.current;
    if (view === null || goto === null) return;
    const pos = clampedPosition(view.state, goto);
    view.dispatch({ selection: EditorSelection.cursor(pos), effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
    view.focus();
  }, [goto]);

  return (
    <div className="ide-editor-wrap">
      {file === null ? <p className="ide-editor-empty">Select a file to view it.</p> : null}
      <div ref={hostRef} className="ide-editor" data-testid="ide-editor" data-path={file?.path ?? ''} hidden={file === null} />
    </div>
  );
}
