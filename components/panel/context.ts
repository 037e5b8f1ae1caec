import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { PanelModel } from './model';

export const PanelContext = createContext<PanelModel | null>(null);

export function usePanel(): PanelModel {
  const model = useContext(PanelContext);
  if (!model) throw new Error('usePanel needs a <PanelContext.Provider>.');
  return model;
}
