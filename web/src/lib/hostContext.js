import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** The host's facts (GET /api/v1/host) and a way to read them again. */
export const HostContext = createContext({ host: null, reload: () => {} });
export const useHost = () => useContext(HostContext);
