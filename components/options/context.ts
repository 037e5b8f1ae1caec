import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { OptionsModel } from './model';

export const OptionsContext = createContext<OptionsModel | null>(null);

export function useOptions(): OptionsModel {
  const model = useContext(OptionsContext);
  if (!model) throw new Error('useOptions needs an <OptionsContext.Provider>.');
  return model;
}
