import { createContext } from '@lit/context';
import type { IMClient } from '../sdk/client.js';

/** The one context every element gets its IMClient from (provided by <im-provider>). */
export const clientContext = createContext<IMClient | undefined>(Symbol('im-client'));
